#pragma once

#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "edge/protocol/shape.h"

namespace nimbus::protocol {

// The path of the first required member missing from `params` (checked recursively through
// structures, lists and maps), or nullopt when all are present. Paths read like AWS's
// validation messages: "Entries.1.Id" style for query, member names elsewhere.
std::optional<std::string> FindMissingRequired(const Shape& shape,
                                               const rapidjson::Value& params);

}  // namespace nimbus::protocol
