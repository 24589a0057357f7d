// XmlElement trees read with expat (Debian's libexpat, linked statically): SAML metadata and
// responses come from users, so a real parser checks well-formedness, entities, CDATA and
// encodings. Documents with a DOCTYPE are refused (SAML has none; no entity expansion attacks).
#include "services/iam/federation/xml_lite.h"

#include <expat.h>

#include <limits>
#include <memory>

namespace nimbus::iam {
namespace {

std::string LocalName(std::string_view qname) {
  auto colon = qname.find(':');
  return std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
}

struct Builder {
  XML_Parser parser = nullptr;
  std::vector<XmlElement> elements;
  std::vector<int> open;  // the elements being read, innermost last
  bool refused = false;
};

void OnStart(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto& b = *static_cast<Builder*>(data);
  XmlElement e;
  e.name = LocalName(name);
  for (int i = 0; attributes[i] != nullptr; i += 2) {
    e.attributes[attributes[i]] = attributes[i + 1];
  }
  e.parent = b.open.empty() ? -1 : b.open.back();
  b.elements.push_back(std::move(e));
  b.open.push_back(static_cast<int>(b.elements.size()) - 1);
}

void OnEnd(void* data, const XML_Char* /*name*/) {
  static_cast<Builder*>(data)->open.pop_back();
}

void OnText(void* data, const XML_Char* text, int length) {
  auto& b = *static_cast<Builder*>(data);
  if (!b.open.empty()) {
    b.elements[static_cast<size_t>(b.open.back())].text.append(text,
                                                               static_cast<size_t>(length));
  }
}

void OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto& b = *static_cast<Builder*>(data);
  b.refused = true;
  XML_StopParser(b.parser, XML_FALSE);
}

}  // namespace

std::optional<std::vector<XmlElement>> ParseXml(std::string_view text) {
  std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr),
                                                                      &XML_ParserFree);
  if (!parser) {
    return std::nullopt;
  }
  Builder b;
  b.parser = parser.get();
  XML_SetUserData(parser.get(), &b);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  XML_SetStartDoctypeDeclHandler(parser.get(), OnDoctype);
  if (text.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      XML_Parse(parser.get(), text.data(), static_cast<int>(text.size()), XML_TRUE) !=
          XML_STATUS_OK ||
      b.refused || b.elements.empty()) {
    return std::nullopt;
  }
  return std::move(b.elements);
}

bool IsBelow(const std::vector<XmlElement>& doc, int i, int ancestor) {
  if (ancestor < 0) {
    return true;
  }
  for (int p = doc[static_cast<size_t>(i)].parent; p >= 0; p = doc[static_cast<size_t>(p)].parent) {
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
