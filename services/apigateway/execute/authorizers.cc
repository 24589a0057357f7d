#include "services/apigateway/execute/authorizers.h"

#include "services/apigateway/execute/proxy_events.h"
#include "services/apigateway/json_util.h"
#include "services/common/base64.h"

namespace nimbus::apigateway {
using rapidjson::Value;

bool WildcardMatch(std::string_view p, std::string_view t) {
  size_t pi = 0;
  size_t ti = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') {
    ++pi;
  }
  return pi == p.size();
}

namespace {

// Values of a policy field that may be a string or a list of strings.
std::vector<std::string> Strings(const Value* v) {
  std::vector<std::string> out;
  if (v == nullptr) {
    return out;
  }
  if (v->IsString()) {
    out.emplace_back(v->GetString(), v->GetStringLength());
  } else if (v->IsArray()) {
    for (const auto& item : v->GetArray()) {
      if (item.IsString()) {
        out.emplace_back(item.GetString(), item.GetStringLength());
      }
    }
  }
  return out;
}

bool StatementMatches(const Value& statement, const std::string& method_arn) {
  bool action = false;
  for (const auto& a : Strings(json::Get(statement, "Action"))) {
    action = action || WildcardMatch(a, "execute-api:Invoke");
  }
  if (!action) {
    return false;
  }
  for (const auto& r : Strings(json::Get(statement, "Resource"))) {
    if (WildcardMatch(r, method_arn)) {
      return true;
    }
  }
  return false;
}

}  // namespace

PolicyDecision EvaluatePolicy(const Value& doc, const std::string& method_arn) {
  const Value* statements = json::Get(doc, "Statement");
  if (statements == nullptr) {
    return PolicyDecision::kImplicitDeny;
  }
  std::vector<const Value*> list;
  if (statements->IsArray()) {
    for (const auto& s : statements->GetArray()) {
      list.push_back(&s);
    }
  } else if (statements->IsObject()) {
    list.push_back(statements);
  }
  bool allow = false;
  for (const Value* s : list) {
    if (!StatementMatches(*s, method_arn)) {
      continue;
    }
    std::string effect = json::GetStr(*s, "Effect");
    if (effect == "Deny") {
      return PolicyDecision::kDeny;
    }
    allow = allow || effect == "Allow";
  }
  return allow ? PolicyDecision::kAllow : PolicyDecision::kImplicitDeny;
}

std::optional<rapidjson::Document> CheckJwt(std::string_view token, const std::string& issuer,
                                            const Value* audiences, int64_t now_seconds) {
  if (token.rfind("Bearer ", 0) == 0 || token.rfind("bearer ", 0) == 0) {
    token.remove_prefix(7);
  }
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos) {
    return std::nullopt;
  }
  std::string payload(token.substr(first + 1, second - first - 1));
  while (payload.size() % 4 != 0) {
    payload.push_back('=');
  }
  auto decoded = Base64Decode(payload);
  if (!decoded) {
    return std::nullopt;
  }
  auto claims = json::Parse(*decoded);
  if (!claims || !claims->IsObject()) {
    return std::nullopt;
  }
  if (const Value* exp = json::Get(*claims, "exp"); exp && exp->IsNumber() &&
                                                     exp->GetDouble() < static_cast<double>(now_seconds)) {
    return std::nullopt;
  }
  if (!issuer.empty() && json::GetStr(*claims, "iss") != issuer) {
    return std::nullopt;
  }
  if (audiences != nullptr && audiences->IsArray() && !audiences->Empty()) {
    std::vector<std::string> have = Strings(json::Get(*claims, "aud"));
    if (have.empty()) {
      have = Strings(json::Get(*claims, "client_id"));
    }
    bool ok = false;
    for (const auto& want : audiences->GetArray()) {
      for (const auto& h : have) {
        ok = ok || (want.IsString() && h == want.GetString());
      }
    }
    if (!ok) {
      return std::nullopt;
    }
  }
  return claims;
}

protocol::HttpResponse Unauthorized() {
  auto res = GatewayError(401, "Unauthorized", "UnauthorizedException");
  return res;
}

protocol::HttpResponse AccessDenied(bool explicit_deny) {
  protocol::HttpResponse res;
  res.status = 403;
  res.SetHeader("Content-Type", "application/json");
  res.SetHeader("x-amzn-ErrorType", "AccessDeniedException");
  res.body = explicit_deny
                 ? R"({"Message":"User is not authorized to access this resource with an explicit deny"})"
                 : R"({"Message":"User is not authorized to access this resource"})";
  res.SetHeader(kGatewayErrorMarker, "1");
  return res;
}

}  // namespace nimbus::apigateway
