#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "services/common/aws_error.h"

// JSON helpers shared by the API Gateway control planes and data plane: documents are the
// stored form of APIs (doc_store.h), so most code reads and edits JSON trees.
namespace nimbus::apigateway::json {

using Alloc = rapidjson::Document::AllocatorType;
using rapidjson::Value;

inline Value Str(std::string_view s, Alloc& a) {
  return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}
// A string member, or `fallback` when absent or not a string.
std::string GetStr(const Value& obj, std::string_view key, std::string_view fallback = {});
const Value* Get(const Value& obj, std::string_view key);
bool GetBool(const Value& obj, std::string_view key, bool fallback = false);
// Sets (adds or replaces) a member.
void Set(Value& obj, std::string_view key, Value v, Alloc& a);
inline void SetStr(Value& obj, std::string_view key, std::string_view s, Alloc& a) {
  Set(obj, key, Str(s, a), a);
}
void Remove(Value& obj, std::string_view key);
// The object member `key`, created empty if absent (or not an object).
Value& Child(Value& obj, std::string_view key, Alloc& a);
// Copies the members named in `keys` from `from` (skipping absent and null ones).
void CopyMembers(const Value& from, Value& to, std::initializer_list<const char*> keys, Alloc& a);
rapidjson::Document Clone(const Value& v);
std::string Write(const Value& v);
std::optional<rapidjson::Document> Parse(std::string_view text);

// `n` random characters from [a-z0-9], as API Gateway ids are.
std::string NewId(size_t n = 10);

// A page of `ids` starting at `position` (the id to start from; empty: the first).
struct Page {
  std::vector<std::string> ids;
  std::string next;  // empty when this is the last page
};
Page Paginate(const std::vector<std::string>& ids, std::string_view position, int64_t limit);

// Applies API Gateway PATCH operations ({op, path, value, from}) to a model-shaped object.
// Paths are JSON-pointer-like ("/variables/x", "/binaryMediaTypes/image~1png"); values arrive
// as strings and are converted to the type the member already has or is known to have.
// Returns a BadRequestException for an unsupported op or path.
std::optional<AwsError> ApplyPatch(Value& target, const Value* operations, Alloc& a);

// Unescapes one pointer segment ("~1" → "/", "~0" → "~").
std::string Unescape(std::string_view segment);

}  // namespace nimbus::apigateway::json
