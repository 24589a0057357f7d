#include "services/iam/iam_util.h"

#include <cctype>
#include <cstdio>
#include <ctime>

#include "services/common/ids.h"
#include "services/iam/iam_errors.h"

namespace nimbus::iam {

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string NewUniqueId(std::string_view prefix) {
  return std::string(prefix) + RandomUpperAlnum(17);
}

std::string NowIso(double epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

rapidjson::Value Str(std::string_view s, Alloc& a) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

rapidjson::Value PublicCopy(const rapidjson::Value& src, Alloc& a) {
  if (src.IsObject()) {
    rapidjson::Value out(rapidjson::kObjectType);
    for (auto it = src.MemberBegin(); it != src.MemberEnd(); ++it) {
      std::string_view name(it->name.GetString(), it->name.GetStringLength());
      if (!name.empty() && name[0] == '_') {
        continue;
      }
      rapidjson::Value v = PublicCopy(it->value, a);
      if ((name == "AssumeRolePolicyDocument" || name == "PolicyDocument" ||
           name == "Document") &&
          v.IsString()) {
        v = Str(UrlEncode(std::string_view(v.GetString(), v.GetStringLength())), a);
      }
      out.AddMember(rapidjson::Value(it->name, a), std::move(v), a);
    }
    return out;
  }
  if (src.IsArray()) {
    rapidjson::Value out(rapidjson::kArrayType);
    for (const auto& item : src.GetArray()) {
      out.PushBack(PublicCopy(item, a), a);
    }
    return out;
  }
  return rapidjson::Value(src, a);
}

std::optional<AwsError> CheckName(const std::string& value, const char* member, size_t max_len) {
  if (value.empty() || value.size() > max_len) {
    return errors::ValidationField(value, member,
                                   "Member must have length less than or equal to " +
                                       std::to_string(max_len));
  }
  for (unsigned char c : value) {
    if (!(std::isalnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' ||
          c == '@' || c == '-')) {
      return errors::ValidationField(value, member,
                                     "Member must satisfy regular expression pattern: "
                                     "[\\w+=,.@-]+");
    }
  }
  return std::nullopt;
}

std::optional<AwsError> CheckPath(const std::string& value, const char* member) {
  if (value.empty() || value.size() > 512 || value.front() != '/' || value.back() != '/') {
    return errors::ValidationField(value, member,
                                   "Member must satisfy regular expression pattern: "
                                   "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
  }
  return std::nullopt;
}

std::optional<AwsError> MergeTags(rapidjson::Value& entity, const rapidjson::Value* tags,
                                  Alloc& a) {
  if (tags == nullptr || !tags->IsArray()) {
    return std::nullopt;
  }
  if (!entity.HasMember("Tags")) {
    entity.AddMember("Tags", rapidjson::Value(rapidjson::kArrayType), a);
  }
  auto& list = entity["Tags"];
  for (const auto& t : tags->GetArray()) {
    if (!t.IsObject() || !t.HasMember("Key") || !t["Key"].IsString()) {
      continue;
    }
    std::string key = t["Key"].GetString();
    std::string value = t.HasMember("Value") && t["Value"].IsString() ? t["Value"].GetString() : "";
    if (key.empty() || key.size() > 128 || value.size() > 256) {
      return errors::InvalidInput("Tag key must be 1-128 and value at most 256 characters.");
    }
    bool found = false;
    for (auto& existing : list.GetArray()) {
      if (std::string(existing["Key"].GetString()) == key) {
        existing["Value"] = Str(value, a);
        found = true;
      }
    }
    if (!found) {
      rapidjson::Value tag(rapidjson::kObjectType);
      tag.AddMember("Key", Str(key, a), a);
      tag.AddMember("Value", Str(value, a), a);
      list.PushBack(std::move(tag), a);
    }
  }
  if (list.Size() > 50) {
    return errors::LimitExceeded("The number of tags has reached the maximum limit.");
  }
  return std::nullopt;
}

void RemoveTags(rapidjson::Value& entity, const rapidjson::Value* keys) {
  if (keys == nullptr || !keys->IsArray() || !entity.HasMember("Tags")) {
    return;
  }
  auto& list = entity["Tags"];
  for (const auto& k : keys->GetArray()) {
    for (auto it = list.Begin(); it != list.End();) {
      if (k.IsString() && std::string((*it)["Key"].GetString()) == k.GetString()) {
        it = list.Erase(it);
      } else {
        ++it;
      }
    }
  }
}

std::optional<AwsError> ReadPage(ParamReader& in, PageRequest& out) {
  out.marker = in.String("Marker");
  if (auto max = in.OptInt("MaxItems")) {
    if (*max < 1 || *max > 1000) {
      return errors::ValidationField(std::to_string(*max), "maxItems",
                                     "Member must have value between 1 and 1000");
    }
    out.max_items = static_cast<size_t>(*max);
  }
  return std::nullopt;
}

void SetPageInfo(rapidjson::Document& out, const std::optional<std::string>& marker) {
  auto& a = out.GetAllocator();
  out.AddMember("IsTruncated", marker.has_value(), a);
  if (marker) {
    out.AddMember("Marker", Str(*marker, a), a);
  }
}

std::vector<std::string> StringList(const rapidjson::Value* v) {
  std::vector<std::string> out;
  if (v != nullptr && v->IsArray()) {
    for (const auto& item : v->GetArray()) {
      if (item.IsString()) {
        out.emplace_back(item.GetString(), item.GetStringLength());
      }
    }
  }
  return out;
}

}  // namespace nimbus::iam
