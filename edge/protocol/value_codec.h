#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "edge/protocol/shape.h"
#include "services/common/aws_error.h"

namespace nimbus::protocol {

using Allocator = rapidjson::Document::AllocatorType;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// A scalar from its text form (query params, URI labels, query strings, headers) as a params
// value of the member's type; nullopt if the text doesn't parse as that type.
std::optional<rapidjson::Value> ScalarFromText(const MemberRef& ref, std::string_view text,
                                               Allocator& alloc);

// A scalar params value as text. Timestamps use `ts_format` unless the member or shape names
// one ("iso8601", "rfc822", "unixTimestamp").
std::string ScalarToText(const MemberRef& ref, const rapidjson::Value& value,
                         std::string_view ts_format);

// A JSON wire value (json/rest-json bodies) as params, checked against the shape. Errors are
// SerializationException-shaped; the caller renames them per service.
Result<rapidjson::Value> FromWireJson(const MemberRef& ref, const rapidjson::Value& wire,
                                      Allocator& alloc, std::string_view path);

// Writes a params/output value as JSON wire (body keys are member wire names).
void WriteWireJson(const MemberRef& ref, const rapidjson::Value& value, JsonWriter& w);

// Writes a structure's body members (all members whose location is the body).
void WriteWireJsonStructure(const Shape& shape, const rapidjson::Value& value, JsonWriter& w,
                            bool body_members_only);

// A MemberRef for a top-level shape (an operation's input/output has no enclosing member).
MemberRef TopLevelRef(const Shape* shape);

}  // namespace nimbus::protocol
