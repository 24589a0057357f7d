#pragma once

#include <string_view>
#include <utility>

#include <rapidjson/document.h>

#include "services/apigateway/json_util.h"

// The gateway responses every REST API has before PutGatewayResponse (AWS's response types and
// default statuses; DEFAULT_4XX and DEFAULT_5XX carry none). GetGatewayResponse(s) show them
// with defaultResponse true.
namespace nimbus::apigateway {

inline constexpr std::pair<std::string_view, std::string_view> kGatewayResponseTypes[] = {
    {"ACCESS_DENIED", "403"},
    {"API_CONFIGURATION_ERROR", "500"},
    {"AUTHORIZER_CONFIGURATION_ERROR", "500"},
    {"AUTHORIZER_FAILURE", "500"},
    {"BAD_REQUEST_BODY", "400"},
    {"BAD_REQUEST_PARAMETERS", "400"},
    {"DEFAULT_4XX", ""},
    {"DEFAULT_5XX", ""},
    {"EXPIRED_TOKEN", "403"},
    {"INTEGRATION_FAILURE", "504"},
    {"INTEGRATION_TIMEOUT", "504"},
    {"INVALID_API_KEY", "403"},
    {"INVALID_SIGNATURE", "403"},
    {"MISSING_AUTHENTICATION_TOKEN", "403"},
    {"QUOTA_EXCEEDED", "429"},
    {"REQUEST_TOO_LARGE", "413"},
    {"RESOURCE_NOT_FOUND", "404"},
    {"THROTTLED", "429"},
    {"UNAUTHORIZED", "401"},
    {"UNSUPPORTED_MEDIA_TYPE", "415"},
    {"WAF_FILTERED", "403"},
};

// The default GatewayResponse of `type`, or a null Value when AWS has no such type.
inline rapidjson::Value DefaultGatewayResponse(std::string_view type, json::Alloc& a) {
  for (const auto& [name, status] : kGatewayResponseTypes) {
    if (name != type) {
      continue;
    }
    rapidjson::Value v(rapidjson::kObjectType);
    v.AddMember("responseType", json::Str(name, a), a);
    if (!status.empty()) {
      v.AddMember("statusCode", json::Str(status, a), a);
    }
    v.AddMember("responseParameters", rapidjson::Value(rapidjson::kObjectType), a);
    rapidjson::Value templates(rapidjson::kObjectType);
    templates.AddMember("application/json", "{\"message\":$context.error.messageString}", a);
    v.AddMember("responseTemplates", templates, a);
    v.AddMember("defaultResponse", true, a);
    return v;
  }
  return rapidjson::Value();
}

}  // namespace nimbus::apigateway
