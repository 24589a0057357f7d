#include "services/iam/federation/xml_lite.h"

#include <cctype>

namespace nimbus::iam {
namespace {

std::string LocalName(std::string_view qname) {
  auto colon = qname.find(':');
  return std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
}

void AppendUtf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<std::string> Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    auto end = s.find(';', i);
    if (end == std::string_view::npos) {
      return std::nullopt;
    }
    std::string_view ent = s.substr(i + 1, end - i - 1);
    if (ent == "amp") {
      out += '&';
    } else if (ent == "lt") {
      out += '<';
    } else if (ent == "gt") {
      out += '>';
    } else if (ent == "quot") {
      out += '"';
    } else if (ent == "apos") {
      out += '\'';
    } else if (ent.size() > 1 && ent[0] == '#') {
      bool hex = ent[1] == 'x';
      std::string digits(ent.substr(hex ? 2 : 1));
      if (digits.empty()) {
        return std::nullopt;
      }
      char* stop = nullptr;
      unsigned long cp = std::strtoul(digits.c_str(), &stop, hex ? 16 : 10);
      if (*stop != '\0' || cp > 0x10FFFF) {
        return std::nullopt;
      }
      AppendUtf8(out, cp);
    } else {
      return std::nullopt;
    }
    i = end;
  }
  return out;
}

bool NameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_' || c == '-' ||
         c == '.' || static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

std::optional<std::vector<XmlElement>> ParseXml(std::string_view s) {
  std::vector<XmlElement> out;
  std::vector<std::pair<std::string, int>> open;  // qualified name, index
  bool root_closed = false;
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    }
  };
  if (s.substr(0, 3) == "\xEF\xBB\xBF") {
    i = 3;
  }
  while (i < s.size()) {
    if (s[i] != '<') {
      auto next = s.find('<', i);
      std::string_view chunk = s.substr(i, next == std::string_view::npos ? s.npos : next - i);
      if (open.empty()) {
        for (char c : chunk) {
          if (!std::isspace(static_cast<unsigned char>(c))) {
            return std::nullopt;  // text outside the root element
          }
        }
      } else {
        auto text = Unescape(chunk);
        if (!text) {
          return std::nullopt;
        }
        out[open.back().second].text += *text;
      }
      if (next == std::string_view::npos) {
        break;
      }
      i = next;
      continue;
    }
    if (s.substr(i, 4) == "<!--") {
      auto end = s.find("-->", i + 4);
      if (end == std::string_view::npos) {
        return std::nullopt;
      }
      i = end + 3;
      continue;
    }
    if (s.substr(i, 9) == "<![CDATA[") {
      auto end = s.find("]]>", i + 9);
      if (end == std::string_view::npos || open.empty()) {
        return std::nullopt;
      }
      out[open.back().second].text += s.substr(i + 9, end - i - 9);
      i = end + 3;
      continue;
    }
    if (s.substr(i, 2) == "<?" || s.substr(i, 2) == "<!") {
      auto end = s.find('>', i);
      if (end == std::string_view::npos) {
        return std::nullopt;
      }
      i = end + 1;
      continue;
    }
    if (s.substr(i, 2) == "</") {
      i += 2;
      size_t start = i;
      while (i < s.size() && NameChar(s[i])) {
        ++i;
      }
      std::string qname(s.substr(start, i - start));
      skip_ws();
      if (i >= s.size() || s[i] != '>' || open.empty() || open.back().first != qname) {
        return std::nullopt;
      }
      ++i;
      open.pop_back();
      root_closed = open.empty();
      continue;
    }
    // A start tag.
    if (root_closed) {
      return std::nullopt;  // a second root
    }
    ++i;
    size_t start = i;
    while (i < s.size() && NameChar(s[i])) {
      ++i;
    }
    if (i == start) {
      return std::nullopt;
    }
    std::string qname(s.substr(start, i - start));
    XmlElement e;
    e.name = LocalName(qname);
    e.parent = open.empty() ? -1 : open.back().second;
    bool self_closing = false;
    while (true) {
      skip_ws();
      if (i >= s.size()) {
        return std::nullopt;
      }
      if (s[i] == '>') {
        ++i;
        break;
      }
      if (s.substr(i, 2) == "/>") {
        i += 2;
        self_closing = true;
        break;
      }
      size_t an = i;
      while (i < s.size() && NameChar(s[i])) {
        ++i;
      }
      if (i == an) {
        return std::nullopt;
      }
      std::string attr(s.substr(an, i - an));
      skip_ws();
      if (i >= s.size() || s[i] != '=') {
        return std::nullopt;
      }
      ++i;
      skip_ws();
      if (i >= s.size() || (s[i] != '"' && s[i] != '\'')) {
        return std::nullopt;
      }
      char quote = s[i++];
      auto end = s.find(quote, i);
      if (end == std::string_view::npos) {
        return std::nullopt;
      }
      auto value = Unescape(s.substr(i, end - i));
      if (!value) {
        return std::nullopt;
      }
      e.attributes[attr] = std::move(*value);
      i = end + 1;
    }
    out.push_back(std::move(e));
    if (self_closing) {
      root_closed = open.empty();
    } else {
      open.emplace_back(qname, static_cast<int>(out.size() - 1));
    }
  }
  if (!open.empty() || out.empty()) {
    return std::nullopt;
  }
  return out;
}

bool IsBelow(const std::vector<XmlElement>& doc, int i, int ancestor) {
  if (ancestor < 0) {
    return true;
  }
  for (int p = doc[i].parent; p >= 0; p = doc[p].parent) {
    if (p == ancestor) {
      return true;
    }
  }
  return false;
}

int FindElement(const std::vector<XmlElement>& doc, std::string_view name, int ancestor) {
  for (size_t i = ancestor < 0 ? 0 : static_cast<size_t>(ancestor) + 1; i < doc.size(); ++i) {
    if (doc[i].name == name && IsBelow(doc, static_cast<int>(i), ancestor)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string Attribute(const XmlElement& e, const std::string& name) {
  auto it = e.attributes.find(name);
  return it == e.attributes.end() ? std::string() : it->second;
}

}  // namespace nimbus::iam
