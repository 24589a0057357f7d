#include "services/apigateway/json_util.h"

#include <algorithm>
#include <charconv>
#include <random>
#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/apigateway/apigateway_errors.h"

namespace nimbus::apigateway::json {
namespace {

// Members whose patch values are not strings (values always travel as strings in PATCH).
const std::set<std::string, std::less<>> kBoolKeys = {
    "apiKeyRequired",   "enabled",          "cacheClusterEnabled",
    "tracingEnabled",   "disableExecuteApiEndpoint",
    "validateRequestBody", "validateRequestParameters", "insecureSkipVerification",
    "metricsEnabled",   "dataTraceEnabled", "cachingEnabled",
    "cacheDataEncrypted", "requireAuthorizationForCacheControl", "useStageCache",
    "AutoDeploy",       "DisableExecuteApiEndpoint", "ApiKeyRequired"};
const std::set<std::string, std::less<>> kIntKeys = {
    "minimumCompressionSize", "timeoutInMillis", "authorizerResultTtlInSeconds", "burstLimit",
    "limit", "offset", "throttlingBurstLimit", "cacheTtlInSeconds"};
const std::set<std::string, std::less<>> kDoubleKeys = {"rateLimit", "throttlingRateLimit",
                                                        "percentTraffic"};
// Members that are lists: "/binaryMediaTypes/image~1png" adds an element even when absent.
const std::set<std::string, std::less<>> kListKeys = {
    "binaryMediaTypes", "cacheKeyParameters", "authorizationScopes", "providerARNs", "types",
    "vpcEndpointIds", "stageKeys", "warnings"};
// Maps of string → boolean (method request parameters, method response parameters).
const std::set<std::string, std::less<>> kBoolMaps = {"requestParameters", "responseParameters"};

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  if (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t pos = path.find('/', start);
    out.push_back(Unescape(path.substr(start, pos == std::string_view::npos ? path.npos
                                                                            : pos - start)));
    if (pos == std::string_view::npos) {
      break;
    }
    start = pos + 1;
  }
  return out;
}

Value Convert(std::string_view key, const Value* existing, std::string_view text, bool bool_map,
              Alloc& a) {
  bool want_bool = bool_map || kBoolKeys.count(key) > 0 || (existing && existing->IsBool());
  if (want_bool) {
    return Value(text == "true");
  }
  if (kDoubleKeys.count(key) > 0 || (existing && existing->IsDouble())) {
    double d = 0;
    std::from_chars(text.data(), text.data() + text.size(), d);
    return Value(d);
  }
  if (kIntKeys.count(key) > 0 || (existing && existing->IsInt64())) {
    int64_t v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return Value(v);
  }
  return Str(text, a);
}

}  // namespace

std::string GetStr(const Value& obj, std::string_view key, std::string_view fallback) {
  const Value* v = Get(obj, key);
  if (v == nullptr || !v->IsString()) {
    return std::string(fallback);
  }
  return std::string(v->GetString(), v->GetStringLength());
}

namespace {
// A member name for lookups. Not a bare StringRef: that converts to `const char*`, and
// FindMember/RemoveMember would strlen() it, reading past a view that is not NUL-terminated
// (looking up "n" of "n.deep" found nothing).
Value Key(std::string_view key) {
  return Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size())));
}
}  // namespace

const Value* Get(const Value& obj, std::string_view key) {
  if (!obj.IsObject()) {
    return nullptr;
  }
  auto it = obj.FindMember(Key(key));
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

bool GetBool(const Value& obj, std::string_view key, bool fallback) {
  const Value* v = Get(obj, key);
  return v != nullptr && v->IsBool() ? v->GetBool() : fallback;
}

void Set(Value& obj, std::string_view key, Value v, Alloc& a) {
  auto it = obj.FindMember(Key(key));
  if (it != obj.MemberEnd()) {
    it->value = std::move(v);
  } else {
    obj.AddMember(Str(key, a), std::move(v), a);
  }
}

void Remove(Value& obj, std::string_view key) {
  if (obj.IsObject()) {
    obj.RemoveMember(Key(key));
  }
}

Value& Child(Value& obj, std::string_view key, Alloc& a) {
  auto it = obj.FindMember(Key(key));
  if (it == obj.MemberEnd()) {
    obj.AddMember(Str(key, a), Value(rapidjson::kObjectType), a);
    return (obj.MemberEnd() - 1)->value;
  }
  if (!it->value.IsObject()) {
    it->value.SetObject();
  }
  return it->value;
}

void CopyMembers(const Value& from, Value& to, std::initializer_list<const char*> keys, Alloc& a) {
  for (const char* key : keys) {
    const Value* v = Get(from, key);
    if (v != nullptr && !v->IsNull()) {
      Set(to, key, Value(*v, a), a);
    }
  }
}

rapidjson::Document Clone(const Value& v) {
  rapidjson::Document d;
  d.CopyFrom(v, d.GetAllocator());
  return d;
}

std::string Write(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

std::optional<rapidjson::Document> Parse(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) {
    return std::nullopt;
  }
  return d;
}

std::string NewId(size_t n) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, sizeof(kChars) - 2);
  std::string id;
  id.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    id.push_back(kChars[pick(rng)]);
  }
  return id;
}

Page Paginate(const std::vector<std::string>& ids, std::string_view position, int64_t limit) {
  if (limit <= 0) {
    limit = 25;  // AWS: the default page size
  }
  limit = std::min<int64_t>(limit, 500);
  size_t start = 0;
  if (!position.empty()) {
    auto it = std::find(ids.begin(), ids.end(), position);
    start = it == ids.end() ? ids.size() : static_cast<size_t>(it - ids.begin());
  }
  Page page;
  size_t end = std::min(ids.size(), start + static_cast<size_t>(limit));
  page.ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(start),
                  ids.begin() + static_cast<std::ptrdiff_t>(end));
  if (end < ids.size()) {
    page.next = ids[end];
  }
  return page;
}

std::string Unescape(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '~' && i + 1 < segment.size() &&
        (segment[i + 1] == '1' || segment[i + 1] == '0')) {
      out.push_back(segment[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      out.push_back(segment[i]);
    }
  }
  return out;
}

std::optional<AwsError> ApplyPatch(Value& target, const Value* operations, Alloc& a) {
  if (operations == nullptr || !operations->IsArray()) {
    return std::nullopt;
  }
  for (const auto& op_value : operations->GetArray()) {
    std::string op = GetStr(op_value, "op");
    std::string path = GetStr(op_value, "path");
    std::string value = GetStr(op_value, "value");
    auto segs = Segments(path);
    if (path.empty() || segs.empty() || segs.front().empty()) {
      return errors::BadRequest("Invalid patch path " + path);
    }
    if (op == "test") {
      continue;
    }
    if (op == "move" || op == "copy") {
      // Copies/moves between members of the same object ("/stageName" style paths).
      auto from = Segments(GetStr(op_value, "from"));
      Value* src = &target;
      for (const auto& s : from) {
        src = src->IsObject() && src->HasMember(s.c_str()) ? &(*src)[s.c_str()] : nullptr;
        if (src == nullptr) {
          return errors::BadRequest("Invalid patch path " + GetStr(op_value, "from"));
        }
      }
      value = src->IsString() ? src->GetString() : Write(*src);
      op = "add";
    }
    if (op != "add" && op != "replace" && op != "remove") {
      return errors::BadRequest("Invalid patch operation specified. Must be one of: [add, "
                                "remove, move, test, replace, copy]");
    }
    // Walk to the parent of the last segment, creating objects on the way for add/replace.
    Value* node = &target;
    std::string parent_key;
    for (size_t i = 0; i + 1 < segs.size(); ++i) {
      if (node->IsArray()) {
        break;
      }
      const Value* existing = Get(*node, segs[i]);
      if (existing == nullptr) {
        if (op == "remove") {
          node = nullptr;
          break;
        }
        if (kListKeys.count(segs[i]) > 0 && i + 2 == segs.size()) {
          Set(*node, segs[i], Value(rapidjson::kArrayType), a);
        }
      }
      const Value* current = Get(*node, segs[i]);
      if (current != nullptr && current->IsArray()) {
        node = &(*node)[segs[i].c_str()];
        parent_key = segs[i];
        // The remaining segment is an element of the list ("/binaryMediaTypes/image~1png").
        std::string element = segs.back();
        if (op == "remove") {
          for (auto it = node->Begin(); it != node->End(); ++it) {
            if (it->IsString() && element == it->GetString()) {
              node->Erase(it);
              break;
            }
          }
        } else {
          bool present = false;
          for (const auto& item : node->GetArray()) {
            present = present || (item.IsString() && element == item.GetString());
          }
          if (!present) {
            node->PushBack(Str(value.empty() ? element : value, a), a);
          }
        }
        node = nullptr;
        break;
      }
      node = &Child(*node, segs[i], a);
      parent_key = segs[i];
    }
    if (node == nullptr) {
      continue;
    }
    const std::string& key = segs.back();
    if (op == "remove") {
      Remove(*node, key);
      continue;
    }
    const Value* existing = Get(*node, key);
    if (existing != nullptr && existing->IsArray() && op == "add") {
      Value& list = (*node)[key.c_str()];
      list.PushBack(Str(value, a), a);
      continue;
    }
    // Method request/response parameter maps hold booleans; integration ones hold strings.
    bool bool_map = kBoolMaps.count(parent_key) > 0 && (value == "true" || value == "false");
    Set(*node, key, Convert(key, existing, value, bool_map, a), a);
  }
  return std::nullopt;
}

}  // namespace nimbus::apigateway::json
