#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "services/common/aws_error.h"
#include "services/common/param_reader.h"

namespace nimbus::iam {

using Alloc = rapidjson::Document::AllocatorType;

// AWS: IAM returns policy documents URL-encoded (RFC 3986); SDKs decode them.
std::string UrlEncode(std::string_view text);
// "AIDA" + 17 characters, as IAM's unique ids.
std::string NewUniqueId(std::string_view prefix);
std::string NowIso(double epoch_seconds);

rapidjson::Value Str(std::string_view s, Alloc& a);
// A deep copy of `src` without the private members (names starting with '_'); policy documents
// named in `encode` are URL-encoded on the way out.
rapidjson::Value PublicCopy(const rapidjson::Value& src, Alloc& a);

// Name and path checks with AWS's messages (member in camelCase as AWS names it).
std::optional<AwsError> CheckName(const std::string& value, const char* member, size_t max_len);
std::optional<AwsError> CheckPath(const std::string& value, const char* member);

// Tags from the request ("Tags": [{"Key","Value"}]) merged into an entity's "Tags" array,
// keeping AWS's limit of 50.
std::optional<AwsError> MergeTags(rapidjson::Value& entity, const rapidjson::Value* tags,
                                  Alloc& a);
void RemoveTags(rapidjson::Value& entity, const rapidjson::Value* keys);

// One page of a listing: items are (key, entity) in key order; the marker is the key of the
// first item of the next page.
struct PageRequest {
  std::string marker;
  size_t max_items = 100;
};
std::optional<AwsError> ReadPage(ParamReader& in, PageRequest& out);
template <class Item>
struct Page {
  std::vector<Item> items;
  std::optional<std::string> next_marker;
};
template <class Item, class KeyFn>
Page<Item> Paginate(const std::vector<Item>& all, const PageRequest& page, KeyFn key) {
  Page<Item> out;
  for (const auto& item : all) {
    if (!page.marker.empty() && key(item) < page.marker) {
      continue;
    }
    if (out.items.size() == page.max_items) {
      out.next_marker = key(item);
      break;
    }
    out.items.push_back(item);
  }
  return out;
}
// Writes IsTruncated (and Marker) into an output document.
void SetPageInfo(rapidjson::Document& out, const std::optional<std::string>& marker);

// The strings of a list param ("AWS": ["a", "b"]).
std::vector<std::string> StringList(const rapidjson::Value* v);

}  // namespace nimbus::iam

namespace nimbus::iam {
// Access key ids ("AKIA"/"ASIA" + 16 of [A-Z2-7]) and 40-character secrets, as AWS issues them.
std::string NewAccessKeyId(std::string_view prefix);
std::string NewSecretAccessKey();
}  // namespace nimbus::iam
