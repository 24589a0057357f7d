#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace nimbus::apigateway {

// Parses a YAML document (an OpenAPI definition) into JSON with libyaml. Plain scalars get
// YAML 1.1 core typing (null, true/false, integers, floats); quoted scalars stay strings.
// Anchors and aliases are resolved by libyaml's document loader. nullopt on a syntax error or
// an empty stream.
std::optional<rapidjson::Document> YamlToJson(std::string_view text);

// Writes a JSON document as block-style YAML (exports). Strings that would read back as
// another type (numbers, booleans, null, empty) are quoted, so YamlToJson round-trips them.
std::string JsonToYaml(const rapidjson::Value& value);

}  // namespace nimbus::apigateway
