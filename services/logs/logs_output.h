#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "services/common/base64.h"
#include "services/common/operation_table.h"
#include "services/logs/logs_errors.h"

// Small helpers shared by the Logs handlers outside logs_service.cc (subscription and metric
// filters, Insights, policies): output documents, reader errors, opaque paging tokens.
namespace nimbus::logs::out {

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
  void SetStr(rapidjson::Value& obj, const char* key, std::string_view s) {
    Set(obj, key, Str(s));
  }
  void SetInt(rapidjson::Value& obj, const char* key, int64_t v) {
    Set(obj, key, rapidjson::Value(v));
  }
  rapidjson::Value& doc() { return doc_; }
  Output Take() { return std::move(doc_); }

 private:
  Output doc_;
};

inline Output Empty() {
  Output o;
  o.SetObject();
  return o;
}

// AWS: ParamReader's type errors surface as InvalidParameterException on Logs.
inline std::optional<AwsError> ReaderError(const ParamReader& in) {
  if (in.error()) {
    return errors::InvalidParameter(in.error()->message);
  }
  return std::nullopt;
}

// Opaque paging tokens: base64 of "<kind>/<resume key>".
inline std::string Token(std::string_view kind, std::string_view key) {
  return Base64Encode(std::string(kind) + "/" + std::string(key));
}
inline std::optional<std::string> Untoken(const std::string& token, std::string_view kind) {
  auto raw = Base64Decode(token);
  if (!raw || raw->rfind(std::string(kind) + "/", 0) != 0) {
    return std::nullopt;
  }
  return raw->substr(kind.size() + 1);
}

// The end of a paged listing: `list` under `member` and, when there is more, a nextToken that
// resumes after `last`.
inline Output TakePage(Out& o, const char* member, rapidjson::Value list, bool more,
                       std::string_view kind, std::string_view last) {
  o.Set(member, std::move(list));
  if (more) {
    o.Set("nextToken", o.Str(Token(kind, last)));
  }
  return o.Take();
}

inline std::optional<AwsError> CheckLimit(const std::optional<int64_t>& limit, int64_t max,
                                          const char* member = "limit") {
  if (!limit) {
    return std::nullopt;
  }
  if (*limit < 1) {
    return errors::Validation(std::to_string(*limit), member,
                              "Member must have value greater than or equal to 1");
  }
  if (*limit > max) {
    return errors::Validation(std::to_string(*limit), member,
                              "Member must have value less than or equal to " +
                                  std::to_string(max));
  }
  return std::nullopt;
}

// AWS filter names: 1-512 characters without ':' or '*'.
inline std::optional<AwsError> CheckFilterName(const std::string& name, const char* member) {
  if (name.empty()) {
    return errors::Validation(name, member, "Member must have length greater than or equal to 1");
  }
  if (name.size() > 512) {
    return errors::Validation(name, member, "Member must have length less than or equal to 512");
  }
  if (name.find_first_of(":*") != std::string::npos) {
    return errors::Validation(name, member,
                              "Member must satisfy regular expression pattern: [^:*]*");
  }
  return std::nullopt;
}

inline std::vector<std::string> Strings(const rapidjson::Value* list) {
  std::vector<std::string> out;
  if (list != nullptr && list->IsArray()) {
    for (const auto& v : list->GetArray()) {
      if (v.IsString()) {
        out.emplace_back(v.GetString(), v.GetStringLength());
      }
    }
  }
  return out;
}

}  // namespace nimbus::logs::out
