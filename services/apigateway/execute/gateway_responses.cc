#include "services/apigateway/execute/gateway_responses.h"

#include "services/apigateway/execute/proxy_events.h"
#include "services/apigateway/json_util.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway {
namespace {

using rapidjson::Value;

std::string Header(const protocol::HttpResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

std::string ResponseType(const protocol::HttpResponse& res, const std::string& message) {
  std::string type = Header(res, "x-amzn-ErrorType");
  switch (res.status) {
    case 400:
      return message.rfind("Missing required request parameters", 0) == 0
                 ? "BAD_REQUEST_PARAMETERS"
                 : "BAD_REQUEST_BODY";
    case 401:
      return "UNAUTHORIZED";
    case 403:
      if (type == "MissingAuthenticationTokenException") {
        return "MISSING_AUTHENTICATION_TOKEN";
      }
      if (type == "AccessDeniedException") {
        return "ACCESS_DENIED";
      }
      return "INVALID_API_KEY";
    case 415:
      return "UNSUPPORTED_MEDIA_TYPE";
    case 429:
      return Header(res, "x-amzn-ErrorType") == "LimitExceededException" ? "QUOTA_EXCEEDED"
                                                                          : "THROTTLED";
    case 504:
      return "INTEGRATION_TIMEOUT";
    default:
      break;
  }
  if (type == "AuthorizerConfigurationException") {
    return "AUTHORIZER_CONFIGURATION_ERROR";
  }
  return res.status == 502 ? "INTEGRATION_FAILURE" : "DEFAULT_5XX";
}

}  // namespace

void ApplyGatewayResponse(const Invocation& inv, protocol::HttpResponse& res) {
  if (Header(res, kGatewayErrorMarker).empty()) {
    return;
  }
  const Value* responses = json::Get(inv.api->snapshot, "gatewayResponses");
  if (responses == nullptr || !responses->IsObject() || responses->MemberCount() == 0) {
    return;
  }
  std::string message;
  if (auto body = json::Parse(res.body); body && body->IsObject()) {
    message = json::GetStr(*body, "message", json::GetStr(*body, "Message"));
  }
  std::string type = ResponseType(res, message);
  const Value* gr = json::Get(*responses, type);
  if (gr == nullptr) {
    gr = json::Get(*responses, res.status < 500 ? "DEFAULT_4XX" : "DEFAULT_5XX");
  }
  if (gr == nullptr) {
    return;
  }
  std::string status = json::GetStr(*gr, "statusCode");
  if (!status.empty()) {
    res.status = static_cast<unsigned>(std::atoi(status.c_str()));
  }
  if (const Value* params = json::Get(*gr, "responseParameters"); params && params->IsObject()) {
    for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it) {
      std::string target = it->name.GetString();
      if (!it->value.IsString() || target.rfind("gatewayresponse.header.", 0) != 0) {
        continue;
      }
      std::string source = it->value.GetString();
      std::optional<std::string> value;
      if (source.size() >= 2 && source.front() == '\'' && source.back() == '\'') {
        value = source.substr(1, source.size() - 2);
      } else if (source.rfind("stageVariables.", 0) == 0) {
        value = inv.StageVariable(source.substr(15));
      } else {
        value = MethodRequestValue(inv, source);
      }
      if (value) {
        res.SetHeader(target.substr(23), *value);
      }
    }
  }
  const Value* templates = json::Get(*gr, "responseTemplates");
  const Value* tmpl = templates ? json::Get(*templates, "application/json") : nullptr;
  if (tmpl != nullptr && tmpl->IsString()) {
    rapidjson::Document ctx(rapidjson::kObjectType);
    auto& a = ctx.GetAllocator();
    Value error(rapidjson::kObjectType);
    error.AddMember("message", json::Str(message, a), a);
    rapidjson::Document quoted;
    quoted.SetString(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
    error.AddMember("messageString", json::Str(json::Write(quoted), a), a);
    error.AddMember("responseType", json::Str(type, a), a);
    ctx.AddMember("error", error, a);
    ctx.AddMember("requestId", json::Str(inv.request_id, a), a);
    ctx.AddMember("apiId", json::Str(inv.api->api_id, a), a);
    ctx.AddMember("stage", json::Str(inv.api->stage, a), a);
    vtl::RenderInput in;
    in.body = inv.request->body;
    in.path = inv.match.path_params;
    for (const auto& [k, v] : inv.query) {
      in.querystring.emplace(k, v);
    }
    in.headers = inv.request->headers;
    in.context_json = json::Write(ctx);
    in.stage_variables = inv.api->variables;
    try {
      res.body = vtl::Render(tmpl->GetString(), in);
    } catch (const std::exception&) {
      // AWS: a broken gateway response template leaves the default body.
    }
  }
}

}  // namespace nimbus::apigateway
