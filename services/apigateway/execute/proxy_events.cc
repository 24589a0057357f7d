#include "services/apigateway/execute/proxy_events.h"

#include <cctype>
#include <ctime>
#include <map>

#include "services/apigateway/json_util.h"
#include "services/common/base64.h"

namespace nimbus::apigateway {
namespace {

using json::Alloc;
using json::Str;
using protocol::HttpResponse;
using rapidjson::Value;

// Header names arrive lowercase; AWS hands REST API functions the client's spelling, which
// for nearly every client is the canonical Title-Case.
std::string TitleCase(std::string_view name) {
  std::string out(name);
  bool up = true;
  for (auto& c : out) {
    c = up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = c == '-';
  }
  return out;
}

Value NullOr(Value v) { return v.IsObject() && v.MemberCount() == 0 ? Value() : std::move(v); }

Value StringMap(const std::map<std::string, std::string>& m, Alloc& a) {
  Value out(rapidjson::kObjectType);
  for (const auto& [k, v] : m) {
    out.AddMember(Str(k, a), Str(v, a), a);
  }
  return out;
}

// The body as the event carries it: text, or base64 for binary media types.
std::pair<std::string, bool> EventBody(const Invocation& inv) {
  const std::string& body = inv.request->body;
  std::string_view type = inv.request->Header("content-type");
  bool binary = false;
  if (inv.api->v2) {
    binary = !IsTextContent(type);
  } else {
    const Value* types = json::Get(json::Get(inv.api->snapshot, "restApi") != nullptr
                                       ? inv.api->snapshot["restApi"]
                                       : inv.api->snapshot,
                                   "binaryMediaTypes");
    binary = IsBinaryType(types, type);
  }
  if (binary) {
    return {Base64Encode(body), true};
  }
  return {body, false};
}

void SetAuthorizerV1(const Invocation& inv, Value& ctx, Alloc& a) {
  if (!inv.authorizer.IsObject()) {
    return;
  }
  Value auth(inv.authorizer, a);
  if (!inv.principal_id.empty()) {
    json::SetStr(auth, "principalId", inv.principal_id, a);
  }
  ctx.AddMember("authorizer", auth, a);
}

}  // namespace

std::string BuildEventV1(const Invocation& inv) {
  rapidjson::Document e(rapidjson::kObjectType);
  auto& a = e.GetAllocator();
  const auto& req = *inv.request;
  std::string resource = inv.api->v2 ? inv.match.route->path : inv.ResourcePath();
  if (inv.api->v2) {
    e.AddMember("version", "1.0", a);  // AWS: HTTP APIs label their 1.0 events
  }
  e.AddMember("resource", Str(resource, a), a);
  // An HTTP API's 1.0 event names the stage in `path` too (REST APIs leave it out).
  e.AddMember("path", Str(inv.api->v2 ? inv.stage_prefix() + inv.path : inv.path, a), a);
  e.AddMember("httpMethod", Str(req.method, a), a);
  Value headers(rapidjson::kObjectType);
  Value multi(rapidjson::kObjectType);
  for (const auto& [k, v] : req.headers) {
    if (k == "content-length" || k == "connection") {
      continue;
    }
    std::string name = inv.api->v2 ? k : TitleCase(k);
    json::SetStr(headers, name, v, a);  // last wins
    auto it = multi.FindMember(name.c_str());
    if (it == multi.MemberEnd()) {
      Value list(rapidjson::kArrayType);
      list.PushBack(Str(v, a), a);
      multi.AddMember(Str(name, a), list, a);
    } else {
      it->value.PushBack(Str(v, a), a);
    }
  }
  e.AddMember("headers", NullOr(std::move(headers)), a);
  e.AddMember("multiValueHeaders", NullOr(std::move(multi)), a);
  Value qs(rapidjson::kObjectType);
  Value mqs(rapidjson::kObjectType);
  for (const auto& [k, v] : inv.query) {
    json::SetStr(qs, k, v, a);
    auto it = mqs.FindMember(k.c_str());
    if (it == mqs.MemberEnd()) {
      Value list(rapidjson::kArrayType);
      list.PushBack(Str(v, a), a);
      mqs.AddMember(Str(k, a), list, a);
    } else {
      it->value.PushBack(Str(v, a), a);
    }
  }
  e.AddMember("queryStringParameters", NullOr(std::move(qs)), a);
  e.AddMember("multiValueQueryStringParameters", NullOr(std::move(mqs)), a);
  e.AddMember("pathParameters", NullOr(StringMap(inv.match.path_params, a)), a);
  e.AddMember("stageVariables", NullOr(StringMap(inv.api->variables, a)), a);

  Value ctx(rapidjson::kObjectType);
  ctx.AddMember("resourceId", Str(inv.match.route->id, a), a);
  ctx.AddMember("resourcePath", Str(resource, a), a);
  ctx.AddMember("httpMethod", Str(req.method, a), a);
  ctx.AddMember("extendedRequestId", Str(inv.request_id, a), a);
  ctx.AddMember("requestTime", Str(RequestTime(inv.epoch_ms), a), a);
  std::string stage_path = inv.stage_prefix() + inv.path;
  ctx.AddMember("path", Str(stage_path, a), a);
  ctx.AddMember("accountId", Str(inv.api->scope.account_id, a), a);
  ctx.AddMember("protocol", "HTTP/1.1", a);
  ctx.AddMember("stage", Str(inv.api->stage, a), a);
  ctx.AddMember("domainPrefix", Str(inv.api_id_prefix(), a), a);
  ctx.AddMember("requestTimeEpoch", Value(inv.epoch_ms), a);
  ctx.AddMember("requestId", Str(inv.request_id, a), a);
  Value identity(rapidjson::kObjectType);
  for (const char* k : {"cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller"}) {
    identity.AddMember(Str(k, a), Value(), a);
  }
  identity.AddMember("sourceIp", Str(inv.source_ip, a), a);
  identity.AddMember("principalOrgId", Value(), a);
  identity.AddMember("accessKey", Value(), a);
  identity.AddMember("cognitoAuthenticationType", Value(), a);
  identity.AddMember("cognitoAuthenticationProvider", Value(), a);
  identity.AddMember("userArn", Value(), a);
  std::string_view agent = req.Header("user-agent");
  identity.AddMember("userAgent", agent.empty() ? Value() : Str(agent, a), a);
  identity.AddMember("user", Value(), a);
  if (!inv.api_key.empty()) {
    identity.AddMember("apiKey", Str(inv.api_key, a), a);
    identity.AddMember("apiKeyId", Str(inv.api_key_id, a), a);
  }
  ctx.AddMember("identity", identity, a);
  ctx.AddMember("domainName", Str(inv.domain, a), a);
  ctx.AddMember("apiId", Str(inv.api->api_id, a), a);
  SetAuthorizerV1(inv, ctx, a);
  e.AddMember("requestContext", ctx, a);
  auto [body, b64] = EventBody(inv);
  e.AddMember("body", req.body.empty() ? Value() : Str(body, a), a);
  e.AddMember("isBase64Encoded", b64 && !req.body.empty(), a);
  return json::Write(e);
}

std::string BuildEventV2(const Invocation& inv) {
  rapidjson::Document e(rapidjson::kObjectType);
  auto& a = e.GetAllocator();
  const auto& req = *inv.request;
  std::string route_key = inv.match.route ? inv.match.route->route_key : "$default";
  e.AddMember("version", "2.0", a);
  e.AddMember("routeKey", Str(route_key, a), a);
  e.AddMember("rawPath", Str(inv.stage_prefix() + inv.raw_path, a), a);
  e.AddMember("rawQueryString", Str(req.query, a), a);
  Value headers(rapidjson::kObjectType);
  Value cookies(rapidjson::kArrayType);
  for (const auto& [k, v] : req.headers) {
    if (k == "cookie") {
      size_t pos = 0;
      while (pos < v.size()) {
        size_t semi = v.find(';', pos);
        std::string c = v.substr(pos, semi == std::string::npos ? std::string::npos : semi - pos);
        size_t first = c.find_first_not_of(' ');
        if (first != std::string::npos) {
          cookies.PushBack(Str(c.substr(first), a), a);
        }
        pos = semi == std::string::npos ? v.size() : semi + 1;
      }
      continue;
    }
    auto it = headers.FindMember(k.c_str());
    if (it != headers.MemberEnd()) {
      std::string joined = std::string(it->value.GetString()) + "," + v;  // AWS joins repeats
      it->value = Str(joined, a);
    } else {
      headers.AddMember(Str(k, a), Str(v, a), a);
    }
  }
  if (!cookies.Empty()) {
    e.AddMember("cookies", cookies, a);
  }
  e.AddMember("headers", headers, a);
  if (!inv.query.empty()) {
    Value qs(rapidjson::kObjectType);
    for (const auto& [k, v] : inv.query) {
      auto it = qs.FindMember(k.c_str());
      if (it != qs.MemberEnd()) {
        std::string joined = std::string(it->value.GetString()) + "," + v;
        it->value = Str(joined, a);
      } else {
        qs.AddMember(Str(k, a), Str(v, a), a);
      }
    }
    e.AddMember("queryStringParameters", qs, a);
  }
  Value ctx(rapidjson::kObjectType);
  ctx.AddMember("accountId", Str(inv.api->scope.account_id, a), a);
  ctx.AddMember("apiId", Str(inv.api->api_id, a), a);
  if (inv.authorizer.IsObject()) {
    ctx.AddMember("authorizer", Value(inv.authorizer, a), a);
  }
  ctx.AddMember("domainName", Str(inv.domain, a), a);
  ctx.AddMember("domainPrefix", Str(inv.api_id_prefix(), a), a);
  Value http(rapidjson::kObjectType);
  http.AddMember("method", Str(req.method, a), a);
  http.AddMember("path", Str(inv.stage_prefix() + inv.path, a), a);
  http.AddMember("protocol", "HTTP/1.1", a);
  http.AddMember("sourceIp", Str(inv.source_ip, a), a);
  http.AddMember("userAgent", Str(req.Header("user-agent"), a), a);
  ctx.AddMember("http", http, a);
  ctx.AddMember("requestId", Str(inv.request_id, a), a);
  ctx.AddMember("routeKey", Str(route_key, a), a);
  ctx.AddMember("stage", Str(inv.api->stage, a), a);
  ctx.AddMember("time", Str(RequestTime(inv.epoch_ms), a), a);
  ctx.AddMember("timeEpoch", Value(inv.epoch_ms), a);
  e.AddMember("requestContext", ctx, a);
  if (!inv.match.path_params.empty()) {
    e.AddMember("pathParameters", StringMap(inv.match.path_params, a), a);
  }
  if (!inv.api->variables.empty()) {
    e.AddMember("stageVariables", StringMap(inv.api->variables, a), a);
  }
  auto [body, b64] = EventBody(inv);
  if (!req.body.empty()) {
    e.AddMember("body", Str(body, a), a);
  }
  e.AddMember("isBase64Encoded", b64 && !req.body.empty(), a);
  return json::Write(e);
}

HttpResponse GatewayError(unsigned status, std::string_view message,
                          std::string_view error_type) {
  HttpResponse res;
  res.status = status;
  res.SetHeader("Content-Type", "application/json");
  rapidjson::Document d(rapidjson::kObjectType);
  d.AddMember("message", Str(message, d.GetAllocator()), d.GetAllocator());
  res.body = json::Write(d);
  if (!error_type.empty()) {
    res.SetHeader("x-amzn-ErrorType", std::string(error_type));
  }
  res.SetHeader(kGatewayErrorMarker, "1");
  return res;
}

HttpResponse MapResponseV1(const std::string& payload, bool allow_cookies, bool decode_base64) {
  auto bad = [] { return GatewayError(502, "Internal server error"); };
  auto d = json::Parse(payload);
  if (!d || !d->IsObject()) {
    return bad();
  }
  for (auto it = d->MemberBegin(); it != d->MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    if (k != "statusCode" && k != "headers" && k != "multiValueHeaders" && k != "body" &&
        k != "isBase64Encoded" && !(allow_cookies && k == "cookies")) {
      return bad();
    }
  }
  HttpResponse res;
  if (const Value* s = json::Get(*d, "statusCode")) {
    if (s->IsInt()) {
      res.status = static_cast<unsigned>(s->GetInt());
    } else if (s->IsString() && std::atoi(s->GetString()) > 0) {
      res.status = static_cast<unsigned>(std::atoi(s->GetString()));
    } else {
      return bad();
    }
    if (res.status < 100 || res.status > 599) {
      return bad();
    }
  }
  std::map<std::string, std::vector<std::string>> headers;
  std::vector<std::string> order;
  auto scalar = [](const Value& v) -> std::optional<std::string> {
    if (v.IsString()) {
      return std::string(v.GetString(), v.GetStringLength());
    }
    if (v.IsBool()) {
      return std::string(v.GetBool() ? "true" : "false");
    }
    if (v.IsNumber()) {
      return json::Write(v);
    }
    return std::nullopt;
  };
  if (const Value* h = json::Get(*d, "headers"); h && !h->IsNull()) {
    if (!h->IsObject()) {
      return bad();
    }
    for (auto it = h->MemberBegin(); it != h->MemberEnd(); ++it) {
      auto v = scalar(it->value);
      if (!v) {
        return bad();
      }
      std::string name = it->name.GetString();
      if (!headers.count(name)) {
        order.push_back(name);
      }
      headers[name] = {*v};
    }
  }
  if (const Value* h = json::Get(*d, "multiValueHeaders"); h && !h->IsNull()) {
    if (!h->IsObject()) {
      return bad();
    }
    for (auto it = h->MemberBegin(); it != h->MemberEnd(); ++it) {
      if (!it->value.IsArray()) {
        return bad();
      }
      std::string name = it->name.GetString();
      if (!headers.count(name)) {
        order.push_back(name);
      }
      std::vector<std::string> values;
      for (const auto& item : it->value.GetArray()) {
        auto v = scalar(item);
        if (!v) {
          return bad();
        }
        values.push_back(*v);
      }
      headers[name] = values;  // AWS: multiValueHeaders win over headers
    }
  }
  bool has_type = false;
  for (const auto& name : order) {
    std::string lower = name;
    for (auto& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    has_type = has_type || lower == "content-type";
    // One field per name, repeated values joined as HTTP allows (RFC 9110 §5.3), except
    // Set-Cookie, which cannot be joined: one field per cookie (the edge writes them all).
    if (lower == "set-cookie") {
      for (const auto& v : headers[name]) {
        res.headers.emplace_back(name, v);
      }
      continue;
    }
    std::string joined;
    for (const auto& v : headers[name]) {
      joined += (joined.empty() ? "" : ", ") + v;
    }
    res.headers.emplace_back(name, joined);
  }
  if (allow_cookies) {
    if (const Value* c = json::Get(*d, "cookies"); c && c->IsArray()) {
      for (const auto& cookie : c->GetArray()) {
        if (cookie.IsString()) {
          res.headers.emplace_back("Set-Cookie", cookie.GetString());
        }
      }
    }
  }
  std::string body;
  if (const Value* b = json::Get(*d, "body"); b && !b->IsNull()) {
    if (!b->IsString()) {
      if (!allow_cookies) {
        return bad();
      }
      body = json::Write(*b);
    } else {
      body.assign(b->GetString(), b->GetStringLength());
    }
  }
  if (decode_base64 && json::GetBool(*d, "isBase64Encoded")) {
    auto decoded = Base64Decode(body);
    if (!decoded) {
      return bad();
    }
    body = std::move(*decoded);
  }
  if (!has_type) {
    res.SetHeader("Content-Type", "application/json");
  }
  res.body = std::move(body);
  return res;
}

HttpResponse MapResponseV2(const std::string& payload) {
  auto d = json::Parse(payload);
  if (!d) {
    return GatewayError(500, "Internal Server Error");
  }
  if (d->IsObject() && d->HasMember("statusCode")) {
    HttpResponse res = MapResponseV1(payload, true);
    if (res.status == 502) {
      return GatewayError(500, "Internal Server Error");
    }
    return res;
  }
  // AWS: anything else is the body of a 200 JSON answer (a string answer is the body itself).
  HttpResponse res;
  res.SetHeader("Content-Type", "application/json");
  res.body = d->IsString() ? std::string(d->GetString(), d->GetStringLength()) : payload;
  return res;
}

}  // namespace nimbus::apigateway
