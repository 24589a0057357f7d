// Non-proxy integrations (AWS, HTTP, MOCK): request parameter and template mapping, the
// backend call, integration response selection by selectionPattern, and response mapping.
#include <regex>

#include <boost/asio/use_awaitable.hpp>

#include "edge/protocol/encoding.h"
#include "services/apigateway/execute/execute_data_plane.h"
#include "services/apigateway/execute/integrations.h"
#include "services/apigateway/execute/proxy_events.h"
#include "services/apigateway/json_util.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway {
namespace asio = boost::asio;
using json::Str;
using protocol::HttpResponse;
using rapidjson::Value;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string MediaType(std::string_view content_type) {
  std::string type = Lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') {
    type.pop_back();
  }
  return type;
}

// $context as VTL sees it.
std::string ContextJson(const Invocation& inv) {
  rapidjson::Document c(rapidjson::kObjectType);
  auto& a = c.GetAllocator();
  c.AddMember("requestId", Str(inv.request_id, a), a);
  c.AddMember("extendedRequestId", Str(inv.request_id, a), a);
  c.AddMember("apiId", Str(inv.api->api_id, a), a);
  c.AddMember("accountId", Str(inv.api->scope.account_id, a), a);
  c.AddMember("stage", Str(inv.api->stage, a), a);
  c.AddMember("resourceId", Str(inv.match.route ? inv.match.route->id : "", a), a);
  c.AddMember("resourcePath", Str(inv.ResourcePath(), a), a);
  c.AddMember("httpMethod", Str(inv.request->method, a), a);
  c.AddMember("path", Str(inv.stage_prefix() + inv.path, a), a);
  c.AddMember("protocol", "HTTP/1.1", a);
  c.AddMember("domainName", Str(inv.domain, a), a);
  c.AddMember("domainPrefix", Str(inv.api_id_prefix(), a), a);
  c.AddMember("requestTime", Str(RequestTime(inv.epoch_ms), a), a);
  c.AddMember("requestTimeEpoch", Value(inv.epoch_ms), a);
  Value identity(rapidjson::kObjectType);
  identity.AddMember("sourceIp", Str(inv.source_ip, a), a);
  identity.AddMember("userAgent", Str(inv.request->Header("user-agent"), a), a);
  identity.AddMember("apiKey", Str(inv.api_key, a), a);
  identity.AddMember("apiKeyId", Str(inv.api_key_id, a), a);
  for (const char* k : {"caller", "user", "userArn", "accountId", "accessKey",
                        "cognitoIdentityId", "cognitoIdentityPoolId"}) {
    identity.AddMember(Str(k, a), Value(rapidjson::kStringType), a);
  }
  c.AddMember("identity", identity, a);
  Value auth(rapidjson::kObjectType);
  if (inv.authorizer.IsObject()) {
    auth.CopyFrom(inv.authorizer, a);
  }
  if (!inv.principal_id.empty()) {
    json::SetStr(auth, "principalId", inv.principal_id, a);
  }
  c.AddMember("authorizer", auth, a);
  return json::Write(c);
}

vtl::RenderInput MakeInput(const Invocation& inv, std::string body) {
  vtl::RenderInput in;
  in.body = std::move(body);
  in.path = inv.match.path_params;
  for (const auto& [k, v] : inv.query) {
    in.querystring.emplace(k, v);  // first value wins, as $input.params('x') does
  }
  in.headers = inv.request->headers;
  in.context_json = ContextJson(inv);
  in.stage_variables = inv.api->variables;
  return in;
}

// The value a mapping expression names: 'literal', method.request.*, stageVariables.*,
// context.*, or (for responses) integration.response.header.X / integration.response.body.
std::optional<std::string> MappedValue(const Invocation& inv, const std::string& source,
                                       const std::vector<std::pair<std::string, std::string>>*
                                           response_headers,
                                       const std::string* response_body) {
  if (source.size() >= 2 && source.front() == '\'' && source.back() == '\'') {
    return source.substr(1, source.size() - 2);
  }
  if (source.rfind("stageVariables.", 0) == 0) {
    return inv.StageVariable(source.substr(15));
  }
  if (source == "context.requestId") {
    return inv.request_id;
  }
  if (source.rfind("context.authorizer.", 0) == 0) {
    if (source == "context.authorizer.principalId") {
      return inv.principal_id;
    }
    if (inv.authorizer.IsObject()) {
      return json::GetStr(inv.authorizer, source.substr(19));
    }
    return std::nullopt;
  }
  if (source == "context.stage") {
    return inv.api->stage;
  }
  if (source == "context.identity.sourceIp") {
    return inv.source_ip;
  }
  if (source == "method.request.body") {
    return inv.request->body;
  }
  if (response_headers != nullptr && source.rfind("integration.response.header.", 0) == 0) {
    std::string want = Lower(source.substr(28));
    for (const auto& [k, v] : *response_headers) {
      if (Lower(k) == want) {
        return v;
      }
    }
    return std::nullopt;
  }
  if (response_body != nullptr && source == "integration.response.body") {
    return *response_body;
  }
  if (response_body != nullptr && source.rfind("integration.response.body.", 0) == 0) {
    // A simple JSONPath-like member chain: integration.response.body.a.b
    auto doc = json::Parse(*response_body);
    if (!doc) {
      return std::nullopt;
    }
    const Value* v = doc.operator->();
    std::string path = source.substr(26);
    size_t start = 0;
    while (v != nullptr && start <= path.size()) {
      size_t dot = path.find('.', start);
      std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
      v = json::Get(*v, key);
      if (dot == std::string::npos) {
        break;
      }
      start = dot + 1;
    }
    if (v == nullptr) {
      return std::nullopt;
    }
    return v->IsString() ? std::string(v->GetString()) : json::Write(*v);
  }
  return MethodRequestValue(inv, source);
}

struct Backend {
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string selector;  // what selectionPattern is matched against
  bool lambda_error = false;
};

// The integration response whose selectionPattern matches, else the default one.
const Value* SelectResponse(const Value& integration, const Backend& backend) {
  const Value* responses = json::Get(integration, "integrationResponses");
  if (responses == nullptr || !responses->IsObject()) {
    return nullptr;
  }
  const Value* fallback = nullptr;
  for (auto it = responses->MemberBegin(); it != responses->MemberEnd(); ++it) {
    std::string pattern = json::GetStr(it->value, "selectionPattern");
    if (pattern.empty()) {
      fallback = &it->value;
      continue;
    }
    try {
      if (std::regex_match(backend.selector, std::regex(pattern))) {
        return &it->value;
      }
    } catch (const std::regex_error&) {
      continue;  // AWS: an invalid pattern never matches
    }
  }
  // AWS: a Lambda error that matches no pattern still takes the default response.
  return fallback;
}

HttpResponse UnsupportedMediaType() {
  return GatewayError(415, "Unsupported Media Type", "UnsupportedMediaTypeException");
}

}  // namespace

asio::awaitable<HttpResponse> ExecuteApiDataPlane::NonProxy(Invocation& inv,
                                                            const Value& integration,
                                                            const Value&) {
  std::string type = json::GetStr(integration, "type");
  // 1. Request parameters.
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> path_values = inv.match.path_params;
  if (const Value* params = json::Get(integration, "requestParameters");
      params && params->IsObject()) {
    for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it) {
      if (!it->value.IsString()) {
        continue;
      }
      auto value = MappedValue(inv, it->value.GetString(), nullptr, nullptr);
      if (!value) {
        continue;
      }
      std::string target = it->name.GetString();
      if (target.rfind("integration.request.header.", 0) == 0) {
        headers[target.substr(27)] = *value;
      } else if (target.rfind("integration.request.querystring.", 0) == 0) {
        query[target.substr(32)] = *value;
      } else if (target.rfind("integration.request.path.", 0) == 0) {
        path_values[target.substr(25)] = *value;
      }
    }
  }
  // 2. Request template, chosen by the request's Content-Type.
  std::string content_type = MediaType(inv.request->Header("content-type"));
  if (content_type.empty()) {
    content_type = "application/json";
  }
  const Value* templates = json::Get(integration, "requestTemplates");
  const Value* chosen = templates ? json::Get(*templates, content_type) : nullptr;
  bool has_templates = templates != nullptr && templates->IsObject() &&
                       templates->MemberCount() > 0;
  std::string passthrough = json::GetStr(integration, "passthroughBehavior", "WHEN_NO_MATCH");
  std::string body = inv.request->body;
  vtl::RenderOverrides overrides;
  if (chosen != nullptr && chosen->IsString()) {
    try {
      // AWS: an empty body renders as {} in request templates.
      body = vtl::Render(chosen->GetString(), MakeInput(inv, body.empty() ? "{}" : body),
                         overrides);
    } catch (const vtl::InvalidJsonBody& e) {
      // AWS: a template reading a body that is not JSON is the client's fault.
      co_return GatewayError(400, e.what(), "BadRequestException");
    } catch (const std::exception&) {
      co_return GatewayError(500, "Internal server error");
    }
    for (const auto& [k, v] : overrides.request_headers) {
      headers[k] = v;
    }
    for (const auto& [k, v] : overrides.request_querystring) {
      query[k] = v;
    }
    for (const auto& [k, v] : overrides.request_path) {
      path_values[k] = v;
    }
  } else if (passthrough == "NEVER" || (passthrough == "WHEN_NO_TEMPLATES" && has_templates)) {
    co_return UnsupportedMediaType();
  }

  // 3. The backend.
  Backend backend;
  std::string uri = SubstituteStageVariables(json::GetStr(integration, "uri"), inv);
  if (type == "MOCK") {
    // AWS: the request template's statusCode selects the integration response.
    backend.status = 200;
    if (auto d = json::Parse(body); d && d->IsObject()) {
      if (const Value* s = json::Get(*d, "statusCode")) {
        backend.status = s->IsInt() ? static_cast<unsigned>(s->GetInt())
                                    : static_cast<unsigned>(std::atoi(json::GetStr(*d, "statusCode").c_str()));
      }
    }
    backend.selector = std::to_string(backend.status);
    backend.body.clear();
  } else if (type == "AWS" && uri.find(":lambda:") != std::string::npos) {
    std::string invocation_type;
    for (const auto& [k, v] : headers) {
      if (Lower(k) == "x-amz-invocation-type") {
        invocation_type = v;
      }
    }
    // Locals, not temporaries: GCC 12 destroys a conditional's temporary twice inside a
    // co_await full-expression.
    std::string payload = body.empty() ? std::string("{}") : body;
    std::string function = LambdaFunctionFromUri(uri);
    auto result = co_await InvokeLambda(client_, inv.api->scope, std::move(function),
                                        std::move(payload), std::move(invocation_type));
    if (!result.invoked) {
      co_return GatewayError(500, "Internal server error");
    }
    backend.body = result.payload;
    if (result.function_error) {
      // AWS: selectionPattern is matched against the error's errorMessage.
      backend.lambda_error = true;
      if (auto d = json::Parse(result.payload); d && d->IsObject()) {
        backend.selector = json::GetStr(*d, "errorMessage");
      }
    }
  } else if (type == "AWS") {
    auto result = co_await CallAwsService(client_, inv, uri, headers, body);
    backend.status = result.status;
    backend.body = std::move(result.body);
    backend.headers.emplace_back("Content-Type", result.content_type);
    backend.selector = std::to_string(backend.status);
  } else {  // HTTP
    HttpCall call;
    call.method = json::GetStr(integration, "httpMethod", inv.request->method);
    for (const auto& [name, value] : path_values) {
      for (const std::string& ph : {"{" + name + "}", "{" + name + "+}"}) {
        for (size_t pos; (pos = uri.find(ph)) != std::string::npos;) {
          uri.replace(pos, ph.size(), value);
        }
      }
    }
    std::string qs;
    for (const auto& [k, v] : query) {
      qs += (qs.empty() ? "" : "&") + protocol::PercentEncode(k) + "=" + protocol::PercentEncode(v);
    }
    if (!qs.empty()) {
      uri += (uri.find('?') == std::string::npos ? "?" : "&") + qs;
    }
    call.url = uri;
    for (const auto& [k, v] : headers) {
      call.headers.emplace_back(k, v);
    }
    bool has_type = false;
    for (const auto& [k, v] : headers) {
      has_type = has_type || Lower(k) == "content-type";
    }
    if (!has_type && !body.empty()) {
      call.headers.emplace_back("Content-Type", std::string(inv.request->Header("content-type")));
    }
    call.body = body;
    auto result = co_await FetchHttp(HttpExecutor(), std::move(call));
    if (!result.ok) {
      co_return GatewayError(504, "Endpoint request timed out");
    }
    backend.status = result.status;
    backend.body = std::move(result.body);
    backend.headers = std::move(result.headers);
    backend.selector = std::to_string(backend.status);
  }

  // 4. Integration response.
  const Value* response = SelectResponse(integration, backend);
  if (response == nullptr) {
    // AWS: "Execution failed due to configuration error: No match for output mapping and no
    // default output mapping configured".
    co_return GatewayError(500, "Internal server error");
  }
  HttpResponse res;
  res.status = static_cast<unsigned>(std::atoi(json::GetStr(*response, "statusCode", "200").c_str()));
  if (const Value* params = json::Get(*response, "responseParameters");
      params && params->IsObject()) {
    for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it) {
      std::string target = it->name.GetString();
      if (!it->value.IsString() || target.rfind("method.response.header.", 0) != 0) {
        continue;
      }
      auto value = MappedValue(inv, it->value.GetString(), &backend.headers, &backend.body);
      if (value) {
        res.headers.emplace_back(target.substr(23), *value);
      }
    }
  }
  std::string accept = MediaType(inv.request->Header("accept"));
  const Value* response_templates = json::Get(*response, "responseTemplates");
  const Value* response_template = nullptr;
  std::string response_type = "application/json";
  if (response_templates != nullptr && response_templates->IsObject()) {
    response_template = json::Get(*response_templates, accept);
    if (response_template != nullptr) {
      response_type = accept;
    } else {
      response_template = json::Get(*response_templates, "application/json");
      if (response_template == nullptr && response_templates->MemberCount() > 0) {
        response_type = response_templates->MemberBegin()->name.GetString();
        response_template = &response_templates->MemberBegin()->value;
      }
    }
  }
  if (response_template != nullptr && response_template->IsString() &&
      response_template->GetStringLength() > 0) {
    try {
      vtl::RenderOverrides out_overrides;
      res.body = vtl::Render(response_template->GetString(), MakeInput(inv, backend.body),
                             out_overrides);
      if (out_overrides.status > 0) {
        res.status = static_cast<unsigned>(out_overrides.status);
      }
      for (const auto& [k, v] : out_overrides.response_headers) {
        res.SetHeader(k, v);
      }
    } catch (const std::exception&) {
      co_return GatewayError(500, "Internal server error");
    }
  } else {
    res.body = backend.body;  // passthrough
  }
  bool has_type = false;
  for (const auto& [k, v] : res.headers) {
    has_type = has_type || Lower(k) == "content-type";
  }
  if (!has_type) {
    res.SetHeader("Content-Type", response_type);
  }
  co_return res;
}

}  // namespace nimbus::apigateway
