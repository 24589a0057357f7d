#include "services/apigateway/execute/execute_data_plane.h"

#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "edge/protocol/encoding.h"
#include "services/apigateway/apigateway_service.h"
#include "services/apigateway/apigatewayv2_service.h"
#include "services/apigateway/execute/gateway_responses.h"
#include "services/apigateway/execute/integrations.h"
#include "services/apigateway/execute/proxy_events.h"
#include "services/apigateway/json_util.h"

namespace nimbus::apigateway {
namespace asio = boost::asio;
using protocol::HttpRequest;
using protocol::HttpResponse;
using rapidjson::Value;

namespace {

constexpr std::string_view kAwsPrefix = "/_aws/execute-api/";
constexpr std::string_view kRestApisPrefix = "/restapis/";
constexpr std::string_view kUserRequest = "/_user_request_";

std::string_view HostName(const HttpRequest& request) {
  std::string_view host = request.Header("host");
  return host.substr(0, host.find(':'));
}

// "<apiId>.execute-api.<anything>"
std::string_view HostApiId(const HttpRequest& request) {
  std::string_view host = HostName(request);
  auto dot = host.find('.');
  if (dot == std::string_view::npos || host.substr(dot + 1, 12) != "execute-api.") {
    return {};
  }
  return host.substr(0, dot);
}

// Where a request is addressed: the API, the stage when the URL form fixes it, and the path
// after the API id (raw).
struct Address {
  std::string api_id;
  std::string stage;  // set by the /restapis/.../_user_request_ form
  std::string after;  // "/<stage>/<path>" or, with `stage` set, "/<path>"
};

std::optional<Address> Parse(const HttpRequest& request) {
  Address a;
  if (auto id = HostApiId(request); !id.empty()) {
    a.api_id = std::string(id);
    a.after = request.path;
    return a;
  }
  std::string_view path = request.path;
  if (path.substr(0, kAwsPrefix.size()) == kAwsPrefix) {
    path.remove_prefix(kAwsPrefix.size());
    auto slash = path.find('/');
    a.api_id = std::string(path.substr(0, slash));
    a.after = slash == std::string_view::npos ? "/" : std::string(path.substr(slash));
    return a;
  }
  if (path.substr(0, kRestApisPrefix.size()) == kRestApisPrefix) {
    path.remove_prefix(kRestApisPrefix.size());
    auto segs = PathSegments(path);
    auto marker = path.find(kUserRequest);
    if (segs.size() < 3 || segs[2] != "_user_request_" || marker == std::string_view::npos) {
      return std::nullopt;
    }
    a.api_id = segs[0];
    a.stage = segs[1];
    std::string_view rest = path.substr(marker + kUserRequest.size());
    a.after = rest.empty() ? "/" : std::string(rest);
    return a;
  }
  return std::nullopt;
}

// Splits "/<first>/<rest>" into the first segment and the remainder ("/" when empty).
std::pair<std::string, std::string> SplitFirst(const std::string& path) {
  size_t start = path.find_first_not_of('/');
  if (start == std::string::npos) {
    return {"", "/"};
  }
  size_t slash = path.find('/', start);
  if (slash == std::string::npos) {
    return {path.substr(start), "/"};
  }
  return {path.substr(start, slash - start), path.substr(slash)};
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) {
      amp = query.size();
    }
    std::string_view pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) {
      continue;
    }
    auto eq = pair.find('=');
    auto key = protocol::PercentDecode(pair.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                              : protocol::PercentDecode(pair.substr(eq + 1), true);
    if (key && value) {
      out.emplace_back(std::move(*key), std::move(*value));
    }
  }
  return out;
}

asio::awaitable<std::shared_ptr<const DeployedApi>> LookupRest(ApiGatewayService* s,
                                                               std::string api,
                                                               std::string stage) {
  co_return s->FindTarget(api, stage);
}

struct HttpLookup {
  std::shared_ptr<const DeployedApi> target;
  bool stage_in_path = false;
  bool api_exists = false;
};
asio::awaitable<HttpLookup> LookupHttp(ApiGatewayV2Service* s, std::string api,
                                       std::string first) {
  HttpLookup out;
  out.target = s->FindTarget(api, first, &out.stage_in_path, &out.api_exists);
  co_return out;
}

asio::awaitable<ApiGatewayService::KeyCheck> LookupKey(ApiGatewayService* s, Scope scope,
                                                       std::string api, std::string stage,
                                                       std::string key) {
  co_return s->CheckApiKey(scope, api, stage, key);
}

}  // namespace

ExecuteApiDataPlane::ExecuteApiDataPlane(ApiGatewayService& v1, asio::any_io_executor v1_strand,
                                         ApiGatewayV2Service& v2, asio::any_io_executor v2_strand,
                                         ServiceClient& client)
    : v1_(v1),
      v1_strand_(std::move(v1_strand)),
      v2_(v2),
      v2_strand_(std::move(v2_strand)),
      client_(client) {}

ExecuteApiDataPlane::~ExecuteApiDataPlane() {
  if (http_pool_) {
    http_pool_->stop();
    http_pool_->join();
  }
}

asio::any_io_executor ExecuteApiDataPlane::HttpExecutor() {
  std::call_once(http_pool_started_, [this] { http_pool_.emplace(2); });
  return http_pool_->get_executor();
}

bool ExecuteApiDataPlane::Matches(const HttpRequest& request) const {
  if (!HostApiId(request).empty()) {
    return true;
  }
  std::string_view path = request.path;
  if (path.substr(0, kAwsPrefix.size()) == kAwsPrefix) {
    return true;
  }
  return path.substr(0, kRestApisPrefix.size()) == kRestApisPrefix &&
         path.find(kUserRequest) != std::string_view::npos;
}

asio::awaitable<HttpResponse> ExecuteApiDataPlane::Handle(HttpRequest& request,
                                                          const std::string& request_id) {
  HttpResponse res = co_await Serve(request, request_id);
  std::erase_if(res.headers, [](const auto& h) { return h.first == kGatewayErrorMarker; });
  co_return res;
}

asio::awaitable<HttpResponse> ExecuteApiDataPlane::Serve(HttpRequest& request,
                                                         const std::string& request_id) {
  auto address = Parse(request);
  if (!address || address->api_id.empty()) {
    co_return GatewayError(404, "Not Found");
  }
  Invocation inv;
  inv.request = &request;
  inv.request_id = request_id;
  inv.domain = std::string(HostName(request));
  inv.epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  inv.query = ParseQuery(request.query);
  // The client: the first X-Forwarded-For hop when a proxy names one, else the TCP peer.
  std::string_view forwarded = request.Header("x-forwarded-for");
  if (!forwarded.empty()) {
    forwarded = forwarded.substr(0, forwarded.find(','));
    while (!forwarded.empty() && forwarded.front() == ' ') {
      forwarded.remove_prefix(1);
    }
    while (!forwarded.empty() && forwarded.back() == ' ') {
      forwarded.remove_suffix(1);
    }
  }
  if (!forwarded.empty()) {
    inv.source_ip = std::string(forwarded);
  } else if (!request.peer_address.empty()) {
    inv.source_ip = request.peer_address;
  }
  std::string stage = address->stage;
  std::string rest = address->after;
  if (stage.empty()) {
    std::tie(stage, rest) = SplitFirst(address->after);
  }
  auto api = co_await asio::co_spawn(v1_strand_, LookupRest(&v1_, address->api_id, stage),
                                     asio::use_awaitable);
  if (!api) {
    auto [http_api, stage_in_path, http_api_exists] = co_await asio::co_spawn(
        v2_strand_, LookupHttp(&v2_, address->api_id, stage), asio::use_awaitable);
    if (!http_api) {
      // AWS: no such API or stage; an HTTP API answers every unserved path 404 Not Found.
      bool forbidden = !http_api_exists && address->stage.empty() && !HostApiId(request).empty();
      co_return GatewayError(forbidden ? 403 : 404, forbidden ? "Forbidden" : "Not Found");
    }
    api = http_api;
    if (!stage_in_path) {
      rest = address->after;  // $default: the whole path is the route path
    }
  }
  inv.api = api;
  inv.raw_path = rest.empty() ? "/" : rest;
  inv.path = protocol::PercentDecode(inv.raw_path, false).value_or(inv.raw_path);
  if (api->v2) {
    co_return co_await InvokeHttpApi(inv);
  }
  co_return co_await InvokeRest(inv);
}

// ---- REST APIs ----------------------------------------------------------------------------------

namespace {

// Minimal JSON-schema check of a request body against a model: the body parses, has the
// schema's type, and carries its required top-level properties.
bool BodyMatchesModel(const std::string& body, const Value& model) {
  auto schema = json::Parse(json::GetStr(model, "schema"));
  if (!schema || !schema->IsObject()) {
    return true;
  }
  auto doc = json::Parse(body.empty() ? "{}" : body);
  if (!doc) {
    return false;
  }
  std::string type = json::GetStr(*schema, "type");
  if (type == "object" && !doc->IsObject()) {
    return false;
  }
  if (type == "array" && !doc->IsArray()) {
    return false;
  }
  if (const Value* req = json::Get(*schema, "required"); req && req->IsArray() && doc->IsObject()) {
    for (const auto& r : req->GetArray()) {
      if (r.IsString() && !doc->HasMember(r.GetString())) {
        return false;
      }
    }
  }
  if (const Value* props = json::Get(*schema, "properties"); props && props->IsObject() &&
                                                               doc->IsObject()) {
    for (auto p = props->MemberBegin(); p != props->MemberEnd(); ++p) {
      const Value* v = json::Get(*doc, p->name.GetString());
      std::string want = json::GetStr(p->value, "type");
      if (v == nullptr || want.empty()) {
        continue;
      }
      bool ok = (want == "string" && v->IsString()) || (want == "number" && v->IsNumber()) ||
                (want == "integer" && (v->IsInt64() || v->IsUint64())) ||
                (want == "boolean" && v->IsBool()) || (want == "object" && v->IsObject()) ||
                (want == "array" && v->IsArray()) || v->IsNull();
      if (!ok) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

asio::awaitable<HttpResponse> ExecuteApiDataPlane::InvokeRest(Invocation& inv) {
  HttpResponse res = co_await RunRest(inv);
  ApplyGatewayResponse(inv, res);
  // AWS: every REST API answer carries API Gateway's own request id beside x-amzn-RequestId.
  res.SetHeader("x-amz-apigw-id", inv.request_id.substr(0, 8) + "=");
  co_return res;
}

asio::awaitable<HttpResponse> ExecuteApiDataPlane::RunRest(Invocation& inv) {
  const DeployedApi& api = *inv.api;
  inv.match = MatchRest(api, inv.request->method, inv.path);
  if (inv.match.route == nullptr) {
    // AWS: an unmatched route on a REST API asks for a token.
    co_return GatewayError(403, "Missing Authentication Token",
                           "MissingAuthenticationTokenException");
  }
  const Value& method = *inv.match.method;
  if (auto refused = co_await AuthorizeRest(inv, method)) {
    co_return std::move(*refused);
  }
  const Value& rest_api = api.snapshot["restApi"];
  if (json::GetBool(method, "apiKeyRequired")) {
    if (json::GetStr(rest_api, "apiKeySource", "HEADER") == "HEADER") {
      inv.api_key = std::string(inv.request->Header("x-api-key"));
    }
    auto check = co_await asio::co_spawn(
        v1_strand_, LookupKey(&v1_, api.scope, api.api_id, api.stage, inv.api_key),
        asio::use_awaitable);
    using Verdict = ApiGatewayService::KeyCheck::Verdict;
    if (check.verdict == Verdict::kForbidden) {
      co_return GatewayError(403, "Forbidden", "ForbiddenException");
    }
    if (check.verdict == Verdict::kThrottled) {
      co_return GatewayError(429, "Too Many Requests", "TooManyRequestsException");
    }
    if (check.verdict == Verdict::kQuotaExceeded) {
      co_return GatewayError(429, "Limit Exceeded", "LimitExceededException");
    }
    inv.api_key_id = check.key_id;
  }
  // Request validation.
  std::string validator_id = json::GetStr(method, "requestValidatorId");
  const Value* validators = json::Get(api.snapshot, "requestValidators");
  const Value* validator = validators ? json::Get(*validators, validator_id) : nullptr;
  if (validator != nullptr) {
    if (json::GetBool(*validator, "validateRequestParameters")) {
      std::string missing;
      if (const Value* params = json::Get(method, "requestParameters");
          params && params->IsObject()) {
        for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it) {
          if (it->value.IsBool() && it->value.GetBool() &&
              !MethodRequestValue(inv, it->name.GetString())) {
            std::string key = it->name.GetString();
            missing += (missing.empty() ? "" : ", ") + key.substr(key.rfind('.') + 1);
          }
        }
      }
      if (!missing.empty()) {
        co_return GatewayError(400, "Missing required request parameters: [" + missing + "]",
                               "BadRequestException");
      }
    }
    if (json::GetBool(*validator, "validateRequestBody")) {
      std::string type(inv.request->Header("content-type"));
      type = type.substr(0, type.find(';'));
      if (type.empty()) {
        type = "application/json";
      }
      const Value* request_models = json::Get(method, "requestModels");
      std::string model_name = request_models ? json::GetStr(*request_models, type) : "";
      const Value* models = json::Get(api.snapshot, "models");
      const Value* model = models && !model_name.empty() ? json::Get(*models, model_name)
                                                         : nullptr;
      if (model != nullptr && !BodyMatchesModel(inv.request->body, *model)) {
        co_return GatewayError(400, "Invalid request body", "BadRequestException");
      }
    }
  }
  const Value* integration = json::Get(method, "methodIntegration");
  if (integration == nullptr) {
    co_return GatewayError(500, "Internal server error");
  }
  std::string type = json::GetStr(*integration, "type");
  std::string uri = SubstituteStageVariables(json::GetStr(*integration, "uri"), inv);
  long timeout = 29000;
  if (const Value* t = json::Get(*integration, "timeoutInMillis"); t && t->IsInt64()) {
    timeout = static_cast<long>(t->GetInt64());
  }
  if (type == "AWS_PROXY") {
    if (uri.find(":lambda:") == std::string::npos) {
      co_return GatewayError(500, "Internal server error");
    }
    co_return co_await LambdaProxy(inv, uri, false);
  }
  if (type == "HTTP_PROXY") {
    co_return co_await HttpProxy(inv, uri, json::Get(*integration, "requestParameters"), timeout);
  }
  co_return co_await NonProxy(inv, *integration, method);
}

asio::awaitable<HttpResponse> ExecuteApiDataPlane::LambdaProxy(Invocation& inv,
                                                               const std::string& uri,
                                                               bool payload_v2) {
  std::string event = payload_v2 ? BuildEventV2(inv) : BuildEventV1(inv);
  auto result = co_await InvokeLambda(client_, inv.api->scope, LambdaFunctionFromUri(uri),
                                      std::move(event));
  bool http_api = inv.api->v2;
  if (!result.invoked) {
    if (result.invoke_status == 429) {
      co_return GatewayError(429, "Too Many Requests");
    }
    co_return http_api ? GatewayError(500, "Internal Server Error")
                       : GatewayError(502, "Internal server error");
  }
  if (result.function_error) {
    co_return http_api ? GatewayError(500, "Internal Server Error")
                       : GatewayError(502, "Internal server error");
  }
  if (payload_v2) {
    co_return MapResponseV2(result.payload);
  }
  bool decode = http_api;
  if (!http_api) {
    // AWS: a REST API decodes a base64 answer only for an Accept among its binaryMediaTypes.
    const Value* types = json::Get(inv.api->snapshot["restApi"], "binaryMediaTypes");
    std::string_view accept = inv.request->Header("accept");
    size_t start = 0;
    while (!decode && start < accept.size()) {
      size_t comma = accept.find(',', start);
      std::string_view item = accept.substr(start, comma == std::string_view::npos
                                                       ? std::string_view::npos
                                                       : comma - start);
      while (!item.empty() && item.front() == ' ') {
        item.remove_prefix(1);
      }
      decode = IsBinaryType(types, item);
      start = comma == std::string_view::npos ? accept.size() : comma + 1;
    }
  }
  HttpResponse res = MapResponseV1(result.payload, false, decode);
  if (http_api && res.status == 502) {
    co_return GatewayError(500, "Internal Server Error");
  }
  co_return res;
}

asio::awaitable<HttpResponse> ExecuteApiDataPlane::HttpProxy(Invocation& inv, std::string url,
                                                             const Value* request_parameters,
                                                             long timeout_ms) {
  // {name} placeholders in the URI take the mapped (or same-named) path parameters.
  std::map<std::string, std::string> path_values = inv.match.path_params;
  HttpCall call;
  call.method = inv.request->method;
  call.timeout_ms = timeout_ms;
  std::vector<std::pair<std::string, std::string>> extra_query;
  if (request_parameters != nullptr && request_parameters->IsObject()) {
    for (auto it = request_parameters->MemberBegin(); it != request_parameters->MemberEnd();
         ++it) {
      std::string target = it->name.GetString();
      std::string source = it->value.IsString() ? it->value.GetString() : "";
      std::optional<std::string> value;
      if (source.size() >= 2 && source.front() == '\'' && source.back() == '\'') {
        value = source.substr(1, source.size() - 2);
      } else if (source.rfind("stageVariables.", 0) == 0) {
        value = inv.StageVariable(source.substr(15));
      } else {
        value = MethodRequestValue(inv, source);
      }
      if (!value) {
        continue;
      }
      if (target.rfind("integration.request.path.", 0) == 0) {
        path_values[target.substr(25)] = *value;
      } else if (target.rfind("integration.request.header.", 0) == 0) {
        call.headers.emplace_back(target.substr(27), *value);
      } else if (target.rfind("integration.request.querystring.", 0) == 0) {
        extra_query.emplace_back(target.substr(32), *value);
      }
    }
  }
  for (const auto& [name, value] : path_values) {
    std::string placeholder = "{" + name + "}";
    for (size_t pos; (pos = url.find(placeholder)) != std::string::npos;) {
      url.replace(pos, placeholder.size(), value);
    }
    std::string greedy = "{" + name + "+}";
    for (size_t pos; (pos = url.find(greedy)) != std::string::npos;) {
      url.replace(pos, greedy.size(), value);
    }
  }
  std::string query = inv.request->query;
  for (const auto& [k, v] : extra_query) {
    query += (query.empty() ? "" : "&") + protocol::PercentEncode(k) + "=" +
             protocol::PercentEncode(v);
  }
  if (!query.empty()) {
    url += (url.find('?') == std::string::npos ? "?" : "&") + query;
  }
  for (const auto& [k, v] : inv.request->headers) {
    if (k == "host" || k == "content-length" || k == "connection" || k == "expect" ||
        k == "transfer-encoding") {
      continue;
    }
    call.headers.emplace_back(k, v);
  }
  call.url = std::move(url);
  call.body = inv.request->body;
  auto result = co_await FetchHttp(HttpExecutor(), std::move(call));
  if (!result.ok) {
    co_return inv.api->v2 ? GatewayError(503, "Service Unavailable")
                          : GatewayError(504, "Endpoint request timed out");
  }
  HttpResponse res;
  res.status = result.status;
  for (auto& [k, v] : result.headers) {
    std::string lower = k;
    for (auto& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection" ||
        lower == "x-amzn-requestid") {
      continue;
    }
    res.headers.emplace_back(std::move(k), std::move(v));
  }
  res.body = std::move(result.body);
  co_return res;
}

}  // namespace nimbus::apigateway
