#pragma once

#include <string>

#include <rapidjson/document.h>

namespace nimbus::cli {

// Parses YAML (libyaml) into the JSON tree it denotes: mappings become objects, sequences
// arrays; plain scalars that read as YAML 1.2 core-schema null/bool/int/float become those
// types, everything else (and every quoted scalar) a string. One document; anchors/aliases and
// non-string keys are refused. Throws std::invalid_argument with the line and column.
rapidjson::Document ParseYaml(const std::string& text);

}  // namespace nimbus::cli
