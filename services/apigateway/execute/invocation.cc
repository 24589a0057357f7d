#include "services/apigateway/execute/invocation.h"

#include <ctime>

#include "services/apigateway/json_util.h"

namespace nimbus::apigateway {

std::string Invocation::ResourcePath() const {
  return match.route != nullptr ? match.route->path : std::string("/");
}

std::string Invocation::MethodArn() const {
  std::string p = path;
  if (!p.empty() && p.front() == '/') {
    p.erase(0, 1);
  }
  return "arn:aws:execute-api:" + api->scope.region + ":" + api->scope.account_id + ":" +
         api->api_id + "/" + api->stage + "/" + request->method + "/" + p;
}

std::string Invocation::StageVariable(const std::string& name) const {
  auto it = api->variables.find(name);
  return it == api->variables.end() ? std::string() : it->second;
}

std::string Invocation::stage_prefix() const {
  if (api->v2 && api->stage == "$default") {
    return "";
  }
  return "/" + api->stage;
}

std::string Invocation::api_id_prefix() const {
  auto dot = domain.find('.');
  return dot == std::string::npos ? api->api_id : domain.substr(0, dot);
}

// The value of a method request parameter ("method.request.header.X" and friends).
std::optional<std::string> MethodRequestValue(const Invocation& inv, std::string_view key) {
  auto take = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (key.substr(0, prefix.size()) == prefix) {
      return key.substr(prefix.size());
    }
    return std::nullopt;
  };
  if (auto name = take("method.request.header.")) {
    std::string lower(*name);
    for (auto& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (inv.request->HasHeader(lower)) {
      return std::string(inv.request->Header(lower));
    }
    return std::nullopt;
  }
  if (auto name = take("method.request.querystring.")) {
    for (const auto& [k, v] : inv.query) {
      if (k == *name) {
        return v;
      }
    }
    return std::nullopt;
  }
  if (auto name = take("method.request.path.")) {
    auto it = inv.match.path_params.find(std::string(*name));
    if (it != inv.match.path_params.end()) {
      return it->second;
    }
    return std::nullopt;
  }
  if (auto name = take("method.request.multivalueheader.")) {
    return MethodRequestValue(inv, "method.request.header." + std::string(*name));
  }
  if (auto name = take("method.request.multivaluequerystring.")) {
    return MethodRequestValue(inv, "method.request.querystring." + std::string(*name));
  }
  return std::nullopt;
}

std::string RequestTime(int64_t epoch_ms) {
  time_t secs = static_cast<time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char when[40];
  std::strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
  return when;
}

bool IsTextContent(std::string_view t) {
  return t.empty() || t.find("text/") == 0 || t.find("json") != std::string_view::npos ||
         t.find("xml") != std::string_view::npos ||
         t.find("javascript") != std::string_view::npos ||
         t.find("x-www-form-urlencoded") != std::string_view::npos;
}

bool IsBinaryType(const rapidjson::Value* types, std::string_view content_type) {
  if (types == nullptr || !types->IsArray() || content_type.empty()) {
    return false;
  }
  std::string_view type = content_type.substr(0, content_type.find(';'));
  for (const auto& t : types->GetArray()) {
    if (!t.IsString()) {
      continue;
    }
    std::string_view want(t.GetString(), t.GetStringLength());
    if (want == "*/*" || want == type) {
      return true;
    }
    if (want.size() > 2 && want.substr(want.size() - 2) == "/*" &&
        type.substr(0, want.size() - 1) == want.substr(0, want.size() - 1)) {
      return true;
    }
  }
  return false;
}

}  // namespace nimbus::apigateway
