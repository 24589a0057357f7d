// Authorization on the data plane: Lambda TOKEN/REQUEST authorizers (with policy evaluation
// and result caching), Cognito-style and JWT token checks.
#include <regex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "services/apigateway/apigateway_service.h"
#include "services/apigateway/execute/authorizers.h"
#include "services/apigateway/execute/execute_data_plane.h"
#include "services/apigateway/execute/integrations.h"
#include "services/apigateway/execute/proxy_events.h"
#include "services/apigateway/json_util.h"

namespace nimbus::apigateway {
namespace asio = boost::asio;
using json::Str;
using protocol::HttpResponse;
using rapidjson::Value;

namespace {

asio::awaitable<std::optional<std::string>> CacheGet(ApiGatewayService* s, std::string key,
                                                     int64_t now_ms) {
  co_return s->CachedAuthorization(key, now_ms);
}

asio::awaitable<void> CachePut(ApiGatewayService* s, std::string key, std::string payload,
                               int64_t expires_ms) {
  s->CacheAuthorization(key, std::move(payload), expires_ms);
  co_return;
}

std::vector<std::string> SplitSources(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    size_t b = item.find_first_not_of(' ');
    size_t e = item.find_last_not_of(' ');
    if (b != std::string::npos) {
      out.push_back(item.substr(b, e - b + 1));
    }
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  return out;
}

// v1 identity sources: method.request.header.X, method.request.querystring.x,
// stageVariables.x, context.x; v2: $request.header.X, $request.querystring.x, $context.x,
// $stageVariables.x.
std::optional<std::string> IdentityValue(const Invocation& inv, std::string source) {
  if (source.rfind("$request.", 0) == 0) {
    source = "method.request." + source.substr(9);
  } else if (source.rfind("$", 0) == 0) {
    source = source.substr(1);
  }
  if (source.rfind("stageVariables.", 0) == 0) {
    auto v = inv.StageVariable(source.substr(15));
    return v.empty() ? std::nullopt : std::optional<std::string>(v);
  }
  if (source == "context.requestId") {
    return inv.request_id;
  }
  if (source == "context.identity.sourceIp") {
    return inv.source_ip;
  }
  auto v = MethodRequestValue(inv, source);
  if (v && v->empty()) {
    return std::nullopt;
  }
  return v;
}

// The authorizer's context as the event carries it: strings, numbers and booleans only.
Value ContextValues(const Value* context, json::Alloc& a) {
  Value out(rapidjson::kObjectType);
  if (context == nullptr || !context->IsObject()) {
    return out;
  }
  for (auto it = context->MemberBegin(); it != context->MemberEnd(); ++it) {
    if (it->value.IsString() || it->value.IsNumber() || it->value.IsBool()) {
      out.AddMember(Value(it->name, a), Value(it->value, a), a);
    }
  }
  return out;
}

// AWS_IAM methods need a SigV4-signed request (header or presigned query). Nimbus checks that
// a signature is present, not its value: credentials are not verified here (ENFORCE_IAM is the
// edge's business for AWS APIs).
std::optional<HttpResponse> SignatureCheck(const Invocation& inv) {
  std::string_view auth = inv.request->Header("authorization");
  bool signed_header = auth.rfind("AWS4-HMAC-SHA256 ", 0) == 0;
  bool presigned = inv.request->query.find("X-Amz-Signature=") != std::string::npos;
  if (signed_header || presigned) {
    return std::nullopt;
  }
  if (inv.api->v2) {
    return GatewayError(403, "Forbidden");
  }
  return GatewayError(403, "Missing Authentication Token", "MissingAuthenticationTokenException");
}

}  // namespace

asio::awaitable<ExecuteApiDataPlane::AuthorizerAnswer> ExecuteApiDataPlane::RunAuthorizer(
    Invocation& inv, const Value& auth, std::string event, std::string cache_key,
    int64_t ttl_seconds) {
  AuthorizerAnswer answer;
  if (ttl_seconds > 0) {
    auto cached = co_await asio::co_spawn(v1_strand_, CacheGet(&v1_, cache_key, inv.epoch_ms),
                                          asio::use_awaitable);
    if (cached) {
      answer.kind = AuthorizerAnswer::Kind::kOk;
      answer.payload = std::move(*cached);
      co_return answer;
    }
  }
  std::string uri = SubstituteStageVariables(
      json::GetStr(auth, "authorizerUri", json::GetStr(auth, "AuthorizerUri")), inv);
  auto result = co_await InvokeLambda(client_, inv.api->scope, LambdaFunctionFromUri(uri),
                                      std::move(event));
  if (!result.invoked) {
    co_return answer;
  }
  if (result.function_error) {
    // AWS: a function failing with "Unauthorized" means 401; any other failure is a 500.
    auto d = json::Parse(result.payload);
    if (d && d->IsObject() && json::GetStr(*d, "errorMessage") == "Unauthorized") {
      answer.kind = AuthorizerAnswer::Kind::kUnauthorized;
    }
    co_return answer;
  }
  answer.kind = AuthorizerAnswer::Kind::kOk;
  answer.payload = result.payload;
  if (ttl_seconds > 0) {
    co_await asio::co_spawn(
        v1_strand_, CachePut(&v1_, cache_key, answer.payload, inv.epoch_ms + ttl_seconds * 1000),
        asio::use_awaitable);
  }
  co_return answer;
}

asio::awaitable<std::optional<HttpResponse>> ExecuteApiDataPlane::AuthorizeRest(
    Invocation& inv, const Value& method) {
  std::string type = json::GetStr(method, "authorizationType", "NONE");
  if (type == "AWS_IAM") {
    co_return SignatureCheck(inv);
  }
  if (type != "CUSTOM" && type != "COGNITO_USER_POOLS") {
    co_return std::nullopt;
  }
  const Value* auths = json::Get(inv.api->snapshot, "authorizers");
  const Value* auth = auths ? json::Get(*auths, json::GetStr(method, "authorizerId")) : nullptr;
  if (auth == nullptr) {
    co_return GatewayError(500, "Internal server error");
  }
  std::string auth_type = json::GetStr(*auth, "type");
  std::string source = json::GetStr(*auth, "identitySource", "method.request.header.Authorization");
  if (auth_type == "COGNITO_USER_POOLS") {
    auto token = IdentityValue(inv, source);
    if (!token) {
      co_return Unauthorized();
    }
    auto claims = CheckJwt(*token, "", nullptr, inv.epoch_ms / 1000);
    if (!claims) {
      co_return Unauthorized();
    }
    inv.authorizer.SetObject();
    inv.authorizer.AddMember("claims", ContextValues(&*claims, inv.authorizer.GetAllocator()),
                             inv.authorizer.GetAllocator());
    co_return std::nullopt;
  }
  int64_t ttl = 300;
  if (const Value* t = json::Get(*auth, "authorizerResultTtlInSeconds"); t && t->IsInt64()) {
    ttl = t->GetInt64();
  }
  std::string cache_key = inv.api->api_id + '\x1f' + inv.api->stage + '\x1f' +
                          json::GetStr(*auth, "id") + '\x1f';
  std::string event;
  if (auth_type == "TOKEN") {
    auto token = IdentityValue(inv, source);
    if (!token) {
      co_return Unauthorized();
    }
    std::string expression = json::GetStr(*auth, "identityValidationExpression");
    if (!expression.empty()) {
      try {
        if (!std::regex_match(*token, std::regex(expression))) {
          co_return Unauthorized();
        }
      } catch (const std::regex_error&) {
        co_return GatewayError(500, "Internal server error");
      }
    }
    rapidjson::Document e(rapidjson::kObjectType);
    auto& a = e.GetAllocator();
    e.AddMember("type", "TOKEN", a);
    e.AddMember("authorizationToken", Str(*token, a), a);
    e.AddMember("methodArn", Str(inv.MethodArn(), a), a);
    event = json::Write(e);
    cache_key += *token;
  } else {
    for (const auto& s : SplitSources(source)) {
      auto v = IdentityValue(inv, s);
      if (!v && ttl > 0) {
        co_return Unauthorized();  // AWS: with caching on, every identity source is required
      }
      cache_key += v.value_or("") + '\x1f';
    }
    auto e = json::Parse(BuildEventV1(inv));
    auto& a = e->GetAllocator();
    json::SetStr(*e, "type", "REQUEST", a);
    json::SetStr(*e, "methodArn", inv.MethodArn(), a);
    e->RemoveMember("body");
    e->RemoveMember("isBase64Encoded");
    event = json::Write(*e);
  }
  auto answer = co_await RunAuthorizer(inv, *auth, std::move(event), cache_key, ttl);
  if (answer.kind == AuthorizerAnswer::Kind::kUnauthorized) {
    co_return Unauthorized();
  }
  auto d = answer.kind == AuthorizerAnswer::Kind::kOk ? json::Parse(answer.payload)
                                                      : std::nullopt;
  const Value* policy = d && d->IsObject() ? json::Get(*d, "policyDocument") : nullptr;
  if (policy == nullptr) {
    co_return GatewayError(500, "Internal server error", "AuthorizerConfigurationException");
  }
  auto decision = EvaluatePolicy(*policy, inv.MethodArn());
  if (decision != PolicyDecision::kAllow) {
    co_return AccessDenied(decision == PolicyDecision::kDeny);
  }
  inv.principal_id = json::GetStr(*d, "principalId");
  inv.authorizer.SetObject();
  Value ctx = ContextValues(json::Get(*d, "context"), inv.authorizer.GetAllocator());
  static_cast<Value&>(inv.authorizer) = ctx;  // rapidjson assignment moves
  if (json::GetStr(inv.api->snapshot["restApi"], "apiKeySource") == "AUTHORIZER") {
    inv.api_key = json::GetStr(*d, "usageIdentifierKey");
  }
  co_return std::nullopt;
}

asio::awaitable<std::optional<HttpResponse>> ExecuteApiDataPlane::AuthorizeHttp(
    Invocation& inv, const Value& route) {
  std::string type = json::GetStr(route, "AuthorizationType", "NONE");
  if (type == "AWS_IAM") {
    co_return SignatureCheck(inv);
  }
  if (type != "JWT" && type != "CUSTOM") {
    co_return std::nullopt;
  }
  const Value* auths = json::Get(inv.api->snapshot, "authorizers");
  const Value* auth = auths ? json::Get(*auths, json::GetStr(route, "AuthorizerId")) : nullptr;
  if (auth == nullptr) {
    co_return GatewayError(500, "Internal Server Error");
  }
  std::vector<std::string> sources;
  if (const Value* s = json::Get(*auth, "IdentitySource"); s && s->IsArray()) {
    for (const auto& item : s->GetArray()) {
      if (item.IsString()) {
        for (auto& part : SplitSources(item.GetString())) {
          sources.push_back(std::move(part));
        }
      }
    }
  }
  if (type == "JWT") {
    if (sources.empty()) {
      sources.push_back("$request.header.Authorization");
    }
    auto token = IdentityValue(inv, sources.front());
    if (!token) {
      co_return Unauthorized();
    }
    const Value* config = json::Get(*auth, "JwtConfiguration");
    std::string issuer = config ? json::GetStr(*config, "Issuer") : "";
    auto claims = CheckJwt(*token, issuer, config ? json::Get(*config, "Audience") : nullptr,
                           inv.epoch_ms / 1000);
    if (!claims) {
      co_return Unauthorized();
    }
    // Scopes: the route's AuthorizationScopes must meet the token's scope claim.
    std::vector<std::string> token_scopes;
    std::string scope_claim = json::GetStr(*claims, "scope", json::GetStr(*claims, "scp"));
    for (auto& s : SplitSources(scope_claim)) {
      size_t start = 0;
      while (start < s.size()) {
        size_t sp = s.find(' ', start);
        token_scopes.push_back(s.substr(start, sp == std::string::npos ? sp : sp - start));
        start = sp == std::string::npos ? s.size() : sp + 1;
      }
    }
    if (const Value* want = json::Get(route, "AuthorizationScopes");
        want && want->IsArray() && !want->Empty()) {
      bool ok = false;
      for (const auto& w : want->GetArray()) {
        for (const auto& t : token_scopes) {
          ok = ok || (w.IsString() && t == w.GetString());
        }
      }
      if (!ok) {
        co_return GatewayError(403, "Forbidden");
      }
    }
    inv.authorizer.SetObject();
    auto& a = inv.authorizer.GetAllocator();
    Value jwt(rapidjson::kObjectType);
    Value claim_values(rapidjson::kObjectType);
    for (auto it = claims->MemberBegin(); it != claims->MemberEnd(); ++it) {
      claim_values.AddMember(Value(it->name, a),
                             it->value.IsString() ? Value(it->value, a)
                                                  : Str(json::Write(it->value), a),
                             a);
    }
    jwt.AddMember("claims", claim_values, a);
    if (token_scopes.empty()) {
      jwt.AddMember("scopes", Value(), a);
    } else {
      Value scopes(rapidjson::kArrayType);
      for (const auto& s : token_scopes) {
        scopes.PushBack(Str(s, a), a);
      }
      jwt.AddMember("scopes", scopes, a);
    }
    inv.authorizer.AddMember("jwt", jwt, a);
    co_return std::nullopt;
  }
  // Lambda REQUEST authorizer.
  int64_t ttl = 0;
  if (const Value* t = json::Get(*auth, "AuthorizerResultTtlInSeconds"); t && t->IsInt64()) {
    ttl = t->GetInt64();
  }
  std::string cache_key = inv.api->api_id + '\x1f' + inv.api->stage + '\x1f' +
                          json::GetStr(*auth, "AuthorizerId") + '\x1f';
  std::vector<std::string> values;
  for (const auto& s : sources) {
    auto v = IdentityValue(inv, s);
    if (!v) {
      co_return Unauthorized();  // AWS: a missing identity source is a 401
    }
    values.push_back(*v);
    cache_key += *v + '\x1f';
  }
  std::string version = json::GetStr(*auth, "AuthorizerPayloadFormatVersion", "2.0");
  std::string route_arn = inv.MethodArn();
  std::string event;
  if (version == "2.0") {
    auto e = json::Parse(BuildEventV2(inv));
    auto& a = e->GetAllocator();
    json::SetStr(*e, "type", "REQUEST", a);
    json::SetStr(*e, "routeArn", route_arn, a);
    Value ids(rapidjson::kArrayType);
    for (const auto& v : values) {
      ids.PushBack(Str(v, a), a);
    }
    json::Set(*e, "identitySource", std::move(ids), a);
    e->RemoveMember("body");
    e->RemoveMember("isBase64Encoded");
    event = json::Write(*e);
  } else {
    auto e = json::Parse(BuildEventV1(inv));
    auto& a = e->GetAllocator();
    json::SetStr(*e, "type", "REQUEST", a);
    json::SetStr(*e, "methodArn", route_arn, a);
    e->RemoveMember("body");
    e->RemoveMember("isBase64Encoded");
    event = json::Write(*e);
  }
  auto answer = co_await RunAuthorizer(inv, *auth, std::move(event), cache_key, ttl);
  if (answer.kind == AuthorizerAnswer::Kind::kUnauthorized) {
    co_return Unauthorized();
  }
  auto d = answer.kind == AuthorizerAnswer::Kind::kOk ? json::Parse(answer.payload)
                                                      : std::nullopt;
  if (!d || !d->IsObject()) {
    co_return GatewayError(500, "Internal Server Error");
  }
  bool allowed = false;
  if (json::GetBool(*auth, "EnableSimpleResponses") && version == "2.0") {
    allowed = json::GetBool(*d, "isAuthorized");
  } else if (const Value* policy = json::Get(*d, "policyDocument")) {
    allowed = EvaluatePolicy(*policy, route_arn) == PolicyDecision::kAllow;
  }
  if (!allowed) {
    co_return GatewayError(403, "Forbidden");
  }
  inv.authorizer.SetObject();
  auto& a = inv.authorizer.GetAllocator();
  Value lambda = ContextValues(json::Get(*d, "context"), a);
  if (json::Get(*d, "principalId")) {
    inv.principal_id = json::GetStr(*d, "principalId");
  }
  inv.authorizer.AddMember("lambda", lambda, a);
  co_return std::nullopt;
}

}  // namespace nimbus::apigateway
