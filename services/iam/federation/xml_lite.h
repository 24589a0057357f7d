#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::iam {

// SAML metadata and SAML responses as a flat list of elements: names with their namespace
// prefix dropped, attributes (prefix kept), their direct text, and their parent. Parsed by
// expat (xml_lite.cc); documents with a DOCTYPE are refused.
struct XmlElement {
  std::string name;  // local name ("EntityDescriptor" for md:EntityDescriptor)
  std::map<std::string, std::string> attributes;
  std::string text;  // character data directly inside the element
  int parent = -1;
};

// The elements in document order; nullopt when the text is not well-formed XML.
std::optional<std::vector<XmlElement>> ParseXml(std::string_view text);

// The first element named `name` below `ancestor` (any depth; -1 = anywhere), or -1.
int FindElement(const std::vector<XmlElement>& doc, std::string_view name, int ancestor = -1);
// Whether element `i` lies below `ancestor`.
bool IsBelow(const std::vector<XmlElement>& doc, int i, int ancestor);
// An attribute of an element, "" when absent.
std::string Attribute(const XmlElement& e, const std::string& name);

}  // namespace nimbus::iam
