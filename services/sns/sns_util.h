#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "services/common/operation_table.h"
#include "services/sns/sns_model.h"

namespace nimbus::sns {

// Output documents shaped like the operation's output.
class Out {
 public:
  Out() { doc_.SetObject(); }
  rapidjson::Document::AllocatorType& a() { return doc_.GetAllocator(); }
  rapidjson::Value Str(std::string_view s) {
    return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a());
  }
  void Set(rapidjson::Value& obj, const char* key, rapidjson::Value v) {
    obj.AddMember(rapidjson::Value(key, a()), std::move(v), a());
  }
  void Set(const char* key, rapidjson::Value v) { Set(doc_, key, std::move(v)); }
  void SetStr(const char* key, std::string_view s) { Set(key, Str(s)); }
  rapidjson::Value Map(const AttributeMap& m) {
    rapidjson::Value obj(rapidjson::kObjectType);
    for (const auto& [k, v] : m) {
      obj.AddMember(Str(k), Str(v), a());
    }
    return obj;
  }
  Output Take() { return std::move(doc_); }

 private:
  Output doc_;
};

inline Output Empty() {
  Output o;
  o.SetObject();
  return o;
}

// The parts of "arn:<partition>:<service>:<region>:<account>:<resource>".
struct ArnParts {
  std::string service;
  std::string region;
  std::string account;
  std::string resource;  // everything after the account (may contain ':')
};
std::optional<ArnParts> ParseArn(std::string_view arn);

// A map<string,string> param (Attributes) as a sorted map; non-strings are skipped.
AttributeMap ReadMap(const rapidjson::Value* v);
std::vector<std::string> ReadStrings(const rapidjson::Value* v);

// "2024-05-01T12:00:00.123Z".
std::string IsoMillis(int64_t epoch_ms);

// JSON text of a string (quoted, escaped).
std::string JsonQuote(std::string_view s);

// A page of `items` after the opaque token `token` (the seq of the last item of the previous
// page, or empty): returns [begin, end) indexes and the next token ("" when done).
struct Page {
  size_t begin = 0;
  size_t end = 0;
  std::string next;
};
std::optional<Page> PageOf(const std::vector<int64_t>& seqs, const std::string& token,
                           size_t page_size);

}  // namespace nimbus::sns
