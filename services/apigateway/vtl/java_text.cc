#include "services/apigateway/vtl/java_text.h"

#include <cstdint>

#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

// libstdc++'s std::regex matches recursively; with an unbounded quantifier its stack use grows
// with the subject, so longer subjects are refused instead of risking a stack overflow.
constexpr size_t kMaxUnboundedRegexSubject = 16 * 1024;

bool IsContinuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Decodes UTF-8 into UTF-16 code units; invalid bytes become U+FFFD.
std::u16string ToUtf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size() && IsContinuation(s[i + 1])) {
      cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
      len = 2;
    } else if ((c & 0xF0) == 0xE0 && i + 2 < s.size() && IsContinuation(s[i + 1]) &&
               IsContinuation(s[i + 2])) {
      cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
      len = 3;
    } else if ((c & 0xF8) == 0xF0 && i + 3 < s.size() && IsContinuation(s[i + 1]) &&
               IsContinuation(s[i + 2]) && IsContinuation(s[i + 3])) {
      cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) |
           (s[i + 3] & 0x3F);
      len = 4;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
    i += len;
  }
  return out;
}

void AppendUnicodeEscape(char16_t ch, std::string& out) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) {
    out += kHexUpper[(ch >> shift) & 0xF];
  }
}

bool IsRegexMeta(char c) {
  switch (c) {
    case '\\': case '^': case '$': case '.': case '|': case '?': case '*': case '+':
    case '(': case ')': case '[': case ']': case '{': case '}':
      return true;
    default:
      return false;
  }
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Java's Matcher.appendReplacement rules: \x is a literal x, $n is group n.
template <typename GroupFn>
void AppendReplacement(std::string_view rep, size_t group_count, GroupFn group, std::string& out) {
  for (size_t i = 0; i < rep.size(); ++i) {
    char c = rep[i];
    if (c == '\\') {
      if (++i >= rep.size()) {
        throw TemplateError("character to be escaped is missing in replacement string");
      }
      out += rep[i];
    } else if (c == '$') {
      if (i + 1 >= rep.size() || rep[i + 1] < '0' || rep[i + 1] > '9') {
        throw TemplateError("Illegal group reference in replacement string");
      }
      size_t n = static_cast<size_t>(rep[++i] - '0');
      if (n > group_count) {
        throw TemplateError("No group " + std::to_string(n) + " in regex");
      }
      // Java takes further digits while the group number stays valid.
      while (i + 1 < rep.size() && rep[i + 1] >= '0' && rep[i + 1] <= '9') {
        size_t next = n * 10 + static_cast<size_t>(rep[i + 1] - '0');
        if (next > group_count) {
          break;
        }
        n = next;
        ++i;
      }
      out += group(n);
    } else {
      out += c;
    }
  }
}

}  // namespace

std::string EscapeJavaScript(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  bool ascii = true;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  auto escape_unit = [&out](char16_t ch) {
    if (ch > 0x7F) {
      AppendUnicodeEscape(ch, out);
      return;
    }
    if (ch < 32) {
      switch (ch) {
        case '\b': out += "\\b"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        default: AppendUnicodeEscape(ch, out);
      }
      return;
    }
    switch (ch) {
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '/': out += "\\/"; break;
      default: out += static_cast<char>(ch);
    }
  };
  if (ascii) {
    for (char c : s) {
      escape_unit(static_cast<char16_t>(c));
    }
  } else {
    for (char16_t ch : ToUtf16(s)) {
      escape_unit(ch);
    }
  }
  return out;
}

std::string UrlEncode(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (IsAlnum(c) || c == '.' || c == '-' || c == '*' || c == '_') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHexUpper[u >> 4];
      out += kHexUpper[u & 0xF];
    }
  }
  return out;
}

std::optional<std::string> UrlDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= s.size()) {
        return std::nullopt;
      }
      int hi = hex(s[i + 1]);
      int lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string Base64DecodeLenient(std::string_view s) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '+' || c == '-') {
      return 62;
    }
    if (c == '/' || c == '_') {
      return 63;
    }
    return -1;
  };
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') {
      break;
    }
    int v = value(c);
    if (v < 0) {
      continue;
    }
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if (!IsContinuation(static_cast<unsigned char>(c))) {
      ++n;
    }
  }
  return n;
}

size_t ByteOffset(std::string_view s, size_t index) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsContinuation(static_cast<unsigned char>(s[i]))) {
      if (chars == index) {
        return i;
      }
      ++chars;
    }
  }
  return chars == index ? s.size() : std::string_view::npos;
}

size_t CharIndex(std::string_view s, size_t byte) {
  return CharCount(s.substr(0, std::min(byte, s.size())));
}

std::string JavaTrim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') {
    ++b;
  }
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') {
    --e;
  }
  return std::string(s.substr(b, e - b));
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

int32_t JavaHashCode(std::string_view s) {
  uint32_t h = 0;
  for (char16_t ch : ToUtf16(s)) {
    h = 31 * h + ch;
  }
  return static_cast<int32_t>(h);
}

JavaRegex::JavaRegex(std::string_view pattern) {
  // Patterns made of plain characters and escaped punctuation ("\\'", "\"", "\\.") are
  // matched literally, without std::regex.
  std::string literal;
  bool is_literal = true;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size() && !IsAlnum(pattern[i + 1])) {
      literal += pattern[++i];
    } else if (IsRegexMeta(c)) {
      is_literal = false;
      break;
    } else {
      literal += c;
    }
  }
  if (is_literal) {
    is_literal_ = true;
    literal_ = std::move(literal);
    return;
  }
  auto flags = std::regex::ECMAScript;
  std::string converted;
  size_t i = 0;
  bool dotall = false;
  // Leading inline flags, e.g. (?i) or (?is).
  if (pattern.substr(0, 2) == "(?") {
    size_t close = pattern.find(')');
    std::string_view f = close == std::string_view::npos ? "" : pattern.substr(2, close - 2);
    if (!f.empty() && f.find_first_not_of("imsux") == std::string_view::npos) {
      if (f.find('i') != std::string_view::npos) {
        flags |= std::regex::icase;
      }
      dotall = f.find('s') != std::string_view::npos;
      i = close + 1;
    }
  }
  bool in_class = false;
  for (; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      char n = pattern[i + 1];
      if (n == 'Q') {
        size_t end = pattern.find("\\E", i + 2);
        std::string_view quoted =
            pattern.substr(i + 2, end == std::string_view::npos ? std::string_view::npos
                                                                 : end - i - 2);
        for (char q : quoted) {
          if (IsRegexMeta(q) || q == '-' || q == '/') {
            converted += '\\';
          }
          converted += q;
        }
        i = end == std::string_view::npos ? pattern.size() : end + 1;
        continue;
      }
      if (n == 'A') {
        converted += '^';
      } else if (n == 'z' || n == 'Z') {
        converted += '$';
      } else if (n == 'h') {
        converted += "[ \\t]";
      } else if (n == 'p' || n == 'P' || n == 'k' || n == 'G' || n == 'R' || n == 'X') {
        throw TemplateError(std::string("unsupported regex construct \\") + n);
      } else {
        converted += c;
        converted += n;
      }
      ++i;
      continue;
    }
    if (in_class) {
      if (c == ']') {
        in_class = false;
      }
      converted += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      converted += c;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') {
        converted += '^';
        ++i;
      }
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') {
        converted += "\\]";
        ++i;
      }
      continue;
    }
    if (c == '(' && pattern.substr(i, 3) == "(?<" && i + 3 < pattern.size() &&
        pattern[i + 3] != '=' && pattern[i + 3] != '!') {
      size_t close = pattern.find('>', i);
      if (close == std::string_view::npos) {
        throw TemplateError("bad named group in regex");
      }
      converted += '(';
      i = close;
      continue;
    }
    if ((c == '*' || c == '+' || c == '?' || c == '}') && i + 1 < pattern.size() &&
        pattern[i + 1] == '+') {
      converted += c;  // possessive quantifier: matched greedily instead
      ++i;
      if (c != '?') {
        unbounded_ = true;
      }
      continue;
    }
    if (c == '*' || c == '+') {
      unbounded_ = true;
    }
    if (c == '{' && i + 1 < pattern.size()) {
      size_t close = pattern.find('}', i);
      if (close != std::string_view::npos &&
          pattern.substr(i, close - i).find(',') != std::string_view::npos) {
        unbounded_ = true;
      }
    }
    if (c == '.' && dotall) {
      converted += "[\\s\\S]";
      continue;
    }
    converted += c;
  }
  try {
    re_.emplace(converted, flags);
  } catch (const std::regex_error& e) {
    throw TemplateError("invalid regex '" + std::string(pattern) + "': " + e.what());
  }
}

void JavaRegex::CheckSubject(std::string_view subject) const {
  if (!is_literal_ && unbounded_ && subject.size() > kMaxUnboundedRegexSubject) {
    throw TemplateError("regex subject longer than " +
                        std::to_string(kMaxUnboundedRegexSubject) + " bytes");
  }
}

std::string JavaRegex::Replace(std::string_view subject, std::string_view replacement,
                               bool all) const {
  CheckSubject(subject);
  std::string out;
  if (is_literal_) {
    if (literal_.empty()) {
      // Java: an empty pattern matches between every character.
      auto group = [&](size_t) { return std::string_view(); };
      size_t i = 0;
      do {
        AppendReplacement(replacement, 0, group, out);
        if (i < subject.size()) {
          size_t next = ByteOffset(subject.substr(i), 1);
          out.append(subject.substr(i, next));
          i += next;
        } else {
          break;
        }
      } while (all);
      if (i < subject.size()) {
        out.append(subject.substr(i));
      }
      return out;
    }
    size_t pos = 0;
    for (;;) {
      size_t found = subject.find(literal_, pos);
      if (found == std::string_view::npos) {
        break;
      }
      out.append(subject.substr(pos, found - pos));
      std::string_view match = subject.substr(found, literal_.size());
      AppendReplacement(replacement, 0, [&](size_t) { return match; }, out);
      pos = found + literal_.size();
      if (!all) {
        break;
      }
    }
    out.append(subject.substr(pos));
    return out;
  }
  std::string s(subject);
  auto begin = std::sregex_iterator(s.begin(), s.end(), *re_);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    size_t start = static_cast<size_t>(m.position(0));
    out.append(s, last, start - last);
    AppendReplacement(replacement, m.size() - 1,
                      [&](size_t n) { return m[n].matched ? m.str(n) : std::string(); }, out);
    last = start + static_cast<size_t>(m.length(0));
    if (!all) {
      break;
    }
  }
  out.append(s, last, std::string::npos);
  return out;
}

bool JavaRegex::Matches(std::string_view subject) const {
  CheckSubject(subject);
  if (is_literal_) {
    return subject == literal_;
  }
  std::string s(subject);
  return std::regex_match(s, *re_);
}

std::vector<std::string> JavaRegex::Split(std::string_view subject, int64_t limit) const {
  CheckSubject(subject);
  std::vector<std::string> parts;
  std::vector<std::pair<size_t, size_t>> matches;  // [start, end)
  std::string s(subject);
  if (is_literal_) {
    if (!literal_.empty()) {
      size_t pos = 0;
      while ((pos = s.find(literal_, pos)) != std::string::npos) {
        matches.emplace_back(pos, pos + literal_.size());
        pos += literal_.size();
      }
    } else {
      for (size_t i = 0; i <= s.size();) {
        matches.emplace_back(i, i);
        if (i == s.size()) {
          break;
        }
        i += ByteOffset(std::string_view(s).substr(i), 1);
      }
    }
  } else {
    for (auto it = std::sregex_iterator(s.begin(), s.end(), *re_); it != std::sregex_iterator();
         ++it) {
      size_t start = static_cast<size_t>(it->position(0));
      matches.emplace_back(start, start + static_cast<size_t>(it->length(0)));
    }
  }
  size_t index = 0;
  for (const auto& [start, end] : matches) {
    if (limit > 0 && static_cast<int64_t>(parts.size()) == limit - 1) {
      break;
    }
    if (start == 0 && end == 0) {
      continue;  // Java 8+: no leading empty string for a zero-width match at the start
    }
    if (start == end && start == s.size()) {
      break;
    }
    parts.push_back(s.substr(index, start - index));
    index = end;
  }
  if (matches.empty()) {
    return {s};
  }
  parts.push_back(s.substr(index));
  if (limit == 0) {
    while (!parts.empty() && parts.back().empty()) {
      parts.pop_back();
    }
  }
  return parts;
}

}  // namespace nimbus::apigateway::vtl
