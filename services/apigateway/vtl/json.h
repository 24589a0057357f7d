#pragma once

// JSON <-> VTL values, and Java's toString rendering of values.

#include <optional>
#include <string>
#include <string_view>

#include "services/apigateway/vtl/value.h"

namespace nimbus::apigateway::vtl {

// Parses strict JSON (RFC 8259; content after the first value is ignored, as Jackson's readTree
// does). Objects become json Maps, arrays json Lists, integers that fit int64 become Int, other
// numbers Double. On error returns nullopt and sets `error` to a Jackson-style message.
std::optional<Value> ParseJson(std::string_view text, std::string& error);

// Compact JSON ({"a":1,"b":[1,2]}). Host objects are rendered as JSON strings of their toString.
// Throws TemplateError on structures nested deeper than the render limit (cycles).
std::string ToJson(const Value& value);
void AppendJson(const Value& value, std::string& out, int depth = 0);
void AppendJsonString(std::string_view s, std::string& out);

// Java String.valueOf(value): "{a=1, b=x}" for maps, "[1, 2]" for lists (compact JSON for json
// lists), "1.5" / "1.0E10" for doubles. Null renders as "null".
std::string ToJavaString(const Value& value);
void AppendJavaString(const Value& value, std::string& out, int depth = 0);

}  // namespace nimbus::apigateway::vtl
