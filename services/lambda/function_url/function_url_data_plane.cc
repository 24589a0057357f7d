#include "services/lambda/function_url/function_url_data_plane.h"

#include <chrono>
#include <ctime>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "edge/protocol/encoding.h"

namespace nimbus::lambda {
namespace asio = boost::asio;
using protocol::HttpRequest;
using protocol::HttpResponse;

namespace {

constexpr char kCodePrefix[] = "/_nimbus/lambda/code/";

std::string_view HostName(const HttpRequest& request) {
  std::string_view host = request.Header("host");
  return host.substr(0, host.find(':'));
}

HttpResponse Plain(unsigned status, std::string_view message) {
  HttpResponse res;
  res.status = status;
  res.SetHeader("Content-Type", "application/json");
  res.body = std::string(R"({"Message":")") + std::string(message) + "\"}";
  return res;
}

asio::awaitable<std::optional<FunctionUrlTarget>> Lookup(LambdaService& lambda,
                                                         std::string url_id) {
  co_return lambda.FindFunctionUrl(url_id);
}

bool IsText(std::string_view content_type) {
  return content_type.empty() || content_type.find("text/") == 0 ||
         content_type.find("json") != std::string_view::npos ||
         content_type.find("xml") != std::string_view::npos ||
         content_type.find("javascript") != std::string_view::npos ||
         content_type.find("x-www-form-urlencoded") != std::string_view::npos;
}

// AWS: the function URL event, payload format 2.0.
std::string BuildEvent(const HttpRequest& request, const std::string& url_id,
                       const std::string& request_id) {
  using rapidjson::Value;
  rapidjson::Document e(rapidjson::kObjectType);
  auto& a = e.GetAllocator();
  auto str = [&](std::string_view s) {
    return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
  };
  e.AddMember("version", "2.0", a);
  e.AddMember("routeKey", "$default", a);
  e.AddMember("rawPath", str(request.path.empty() ? "/" : request.path), a);
  e.AddMember("rawQueryString", str(request.query), a);
  Value headers(rapidjson::kObjectType);
  Value cookies(rapidjson::kArrayType);
  for (const auto& [k, v] : request.headers) {
    if (k == "cookie") {
      size_t pos = 0;
      while (pos < v.size()) {
        size_t semi = v.find(';', pos);
        std::string c = v.substr(pos, semi == std::string::npos ? std::string::npos : semi - pos);
        while (!c.empty() && c.front() == ' ') {
          c.erase(0, 1);
        }
        if (!c.empty()) {
          cookies.PushBack(str(c), a);
        }
        pos = semi == std::string::npos ? v.size() : semi + 1;
      }
      continue;
    }
    auto it = headers.FindMember(k.c_str());
    if (it != headers.MemberEnd()) {
      std::string joined = std::string(it->value.GetString()) + "," + v;  // AWS joins repeats
      it->value = str(joined);
    } else {
      headers.AddMember(str(k), str(v), a);
    }
  }
  if (!cookies.Empty()) {
    e.AddMember("cookies", cookies, a);
  }
  e.AddMember("headers", headers, a);
  if (!request.query.empty()) {
    Value qs(rapidjson::kObjectType);
    if (auto form = protocol::ParseForm(request.query)) {
      for (const auto& [k, v] : *form) {
        qs.AddMember(str(k), str(v), a);
      }
    }
    e.AddMember("queryStringParameters", qs, a);
  }
  Value ctx(rapidjson::kObjectType);
  ctx.AddMember("accountId", "anonymous", a);
  ctx.AddMember("apiId", str(url_id), a);
  ctx.AddMember("domainName", str(HostName(request)), a);
  ctx.AddMember("domainPrefix", str(url_id), a);
  Value http(rapidjson::kObjectType);
  http.AddMember("method", str(request.method), a);
  http.AddMember("path", str(request.path.empty() ? "/" : request.path), a);
  http.AddMember("protocol", "HTTP/1.1", a);
  http.AddMember("sourceIp", "127.0.0.1", a);
  http.AddMember("userAgent", str(request.Header("user-agent")), a);
  ctx.AddMember("http", http, a);
  ctx.AddMember("requestId", str(request_id), a);
  ctx.AddMember("routeKey", "$default", a);
  ctx.AddMember("stage", "$default", a);
  auto now = std::chrono::system_clock::now();
  int64_t epoch_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  time_t secs = epoch_ms / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char when[40];
  std::strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
  ctx.AddMember("time", str(when), a);
  ctx.AddMember("timeEpoch", epoch_ms, a);
  e.AddMember("requestContext", ctx, a);
  bool text = IsText(request.Header("content-type"));
  if (!request.body.empty()) {
    e.AddMember("body", str(text ? request.body : protocol::Base64Encode(request.body)), a);
  }
  e.AddMember("isBase64Encoded", !text && !request.body.empty(), a);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  e.Accept(w);
  return sb.GetString();
}

// AWS: a result with statusCode is an HTTP response description; anything else is a 200 with
// the result as a JSON body.
HttpResponse MapResult(const std::string& payload) {
  HttpResponse res;
  rapidjson::Document d;
  d.Parse(payload.c_str(), payload.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("statusCode")) {
    res.SetHeader("Content-Type", "application/json");
    res.body = payload;
    return res;
  }
  if (d["statusCode"].IsInt()) {
    res.status = static_cast<unsigned>(d["statusCode"].GetInt());
  }
  if (auto h = d.FindMember("headers"); h != d.MemberEnd() && h->value.IsObject()) {
    for (auto it = h->value.MemberBegin(); it != h->value.MemberEnd(); ++it) {
      if (it->value.IsString()) {
        res.headers.emplace_back(it->name.GetString(), it->value.GetString());
      }
    }
  }
  if (auto c = d.FindMember("cookies"); c != d.MemberEnd() && c->value.IsArray()) {
    for (const auto& cookie : c->value.GetArray()) {
      if (cookie.IsString()) {
        res.headers.emplace_back("Set-Cookie", cookie.GetString());
      }
    }
  }
  std::string body;
  if (auto b = d.FindMember("body"); b != d.MemberEnd()) {
    if (b->value.IsString()) {
      body.assign(b->value.GetString(), b->value.GetStringLength());
    } else {
      rapidjson::StringBuffer sb;
      rapidjson::Writer<rapidjson::StringBuffer> w(sb);
      b->value.Accept(w);
      body = sb.GetString();
    }
  }
  auto b64 = d.FindMember("isBase64Encoded");
  if (b64 != d.MemberEnd() && b64->value.IsBool() && b64->value.GetBool()) {
    body = protocol::Base64Decode(body).value_or("");
  }
  bool has_type = false;
  for (const auto& [k, v] : res.headers) {
    std::string lower = k;
    for (auto& ch : lower) {
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    has_type = has_type || lower == "content-type";
  }
  if (!has_type) {
    res.SetHeader("Content-Type", "application/json");
  }
  res.body = std::move(body);
  return res;
}

void ApplyCors(const std::string& cors_json, const HttpRequest& request, HttpResponse& res) {
  if (cors_json.empty()) {
    return;
  }
  rapidjson::Document cors;
  cors.Parse(cors_json.c_str());
  if (!cors.IsObject()) {
    return;
  }
  auto join = [&](const char* key) {
    std::string out;
    if (auto it = cors.FindMember(key); it != cors.MemberEnd() && it->value.IsArray()) {
      for (const auto& v : it->value.GetArray()) {
        if (v.IsString()) {
          out += (out.empty() ? "" : ",") + std::string(v.GetString());
        }
      }
    }
    return out;
  };
  std::string origins = join("AllowOrigins");
  std::string origin(request.Header("origin"));
  if (!origins.empty() && !origin.empty()) {
    bool any = origins.find('*') != std::string::npos;
    if (any || origins.find(origin) != std::string::npos) {
      res.SetHeader("Access-Control-Allow-Origin", any ? "*" : origin);
    }
  }
  if (auto methods = join("AllowMethods"); !methods.empty()) {
    res.SetHeader("Access-Control-Allow-Methods", methods);
  }
  if (auto headers = join("AllowHeaders"); !headers.empty()) {
    res.SetHeader("Access-Control-Allow-Headers", headers);
  }
  if (auto expose = join("ExposeHeaders"); !expose.empty()) {
    res.SetHeader("Access-Control-Expose-Headers", expose);
  }
  if (auto creds = cors.FindMember("AllowCredentials");
      creds != cors.MemberEnd() && creds->value.IsBool() && creds->value.GetBool()) {
    res.SetHeader("Access-Control-Allow-Credentials", "true");
  }
  if (auto age = cors.FindMember("MaxAge"); age != cors.MemberEnd() && age->value.IsInt()) {
    res.SetHeader("Access-Control-Max-Age", std::to_string(age->value.GetInt()));
  }
}

}  // namespace

bool FunctionUrlDataPlane::Matches(const HttpRequest& request) const {
  std::string_view host = HostName(request);
  auto first = host.find('.');
  return first != std::string_view::npos &&
         host.substr(first + 1, 11) == "lambda-url.";
}

asio::awaitable<HttpResponse> FunctionUrlDataPlane::Handle(HttpRequest& request,
                                                           const std::string& request_id) {
  std::string_view host = HostName(request);
  std::string url_id(host.substr(0, host.find('.')));
  auto target = co_await asio::co_spawn(lambda_strand_, Lookup(lambda_, url_id),
                                        asio::use_awaitable);
  if (!target) {
    co_return Plain(403, "Forbidden");  // AWS: an unknown URL answers 403
  }
  if (request.method == "OPTIONS" && !target->cors_json.empty()) {
    HttpResponse res;
    ApplyCors(target->cors_json, request, res);
    co_return res;
  }
  rapidjson::Document params(rapidjson::kObjectType);
  auto& a = params.GetAllocator();
  params.AddMember("FunctionName", rapidjson::Value(target->function_name.c_str(), a), a);
  if (!target->qualifier.empty()) {
    params.AddMember("Qualifier", rapidjson::Value(target->qualifier.c_str(), a), a);
  }
  std::string event = BuildEvent(request, url_id, request_id);
  params.AddMember("Payload",
                   rapidjson::Value(event.data(), static_cast<rapidjson::SizeType>(event.size()), a),
                   a);
  auto out = co_await client_.Call("lambda", "Invoke", target->scope, std::move(params));
  if (!out) {
    co_return Plain(out.error().http_status == 429 ? 429 : 502,
                    out.error().http_status == 429 ? "Rate Exceeded." : "Internal Server Error");
  }
  if (out->HasMember("FunctionError")) {
    co_return Plain(502, "Internal Server Error");  // AWS: a failed function is a 502
  }
  std::string payload;
  if (auto p = out->FindMember("Payload"); p != out->MemberEnd() && p->value.IsString()) {
    payload.assign(p->value.GetString(), p->value.GetStringLength());
  }
  HttpResponse res = MapResult(payload);
  ApplyCors(target->cors_json, request, res);
  co_return res;
}

bool CodeDownloadDataPlane::Matches(const HttpRequest& request) const {
  return request.path.rfind(kCodePrefix, 0) == 0;
}

asio::awaitable<HttpResponse> CodeDownloadDataPlane::Handle(HttpRequest& request,
                                                            const std::string&) {
  std::string name = request.path.substr(sizeof(kCodePrefix) - 1);
  if (request.method != "GET" || name.size() < 5 || name.substr(name.size() - 4) != ".zip") {
    co_return Plain(404, "Not Found");
  }
  // base64url without padding → the standard alphabet CodeSha256 uses.
  std::string sha = name.substr(0, name.size() - 4);
  for (auto& c : sha) {
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (sha.size() % 4 != 0) {
    sha += '=';
  }
  auto zip = code_.ReadZip(sha);
  if (!zip) {
    co_return Plain(404, "Not Found");
  }
  HttpResponse res;
  res.SetHeader("Content-Type", "application/zip");
  res.body = std::move(*zip);
  co_return res;
}

}  // namespace nimbus::lambda
