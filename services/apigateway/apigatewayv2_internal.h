#pragma once

#include <string>

#include <rapidjson/document.h>

#include "services/apigateway/json_util.h"

// Helpers shared by the apigatewayv2_*.cc files.
namespace nimbus::apigateway::v2internal {

inline constexpr char kApi[] = "httpapi";  // the DocStore kind of an HTTP API

// Members of an HTTP API integration the data plane uses, with AWS's defaults.
inline void IntegrationDefaults(rapidjson::Value& integ, json::Alloc& a) {
  std::string type = json::GetStr(integ, "IntegrationType");
  if (!integ.HasMember("PayloadFormatVersion")) {
    json::SetStr(integ, "PayloadFormatVersion", type == "AWS_PROXY" ? "2.0" : "1.0", a);
  }
  if (!integ.HasMember("TimeoutInMillis")) {
    json::Set(integ, "TimeoutInMillis", rapidjson::Value(30000), a);
  }
  if (!integ.HasMember("ConnectionType")) {
    json::SetStr(integ, "ConnectionType", "INTERNET", a);
  }
  if (!integ.HasMember("IntegrationMethod") && type == "AWS_PROXY") {
    json::SetStr(integ, "IntegrationMethod", "POST", a);
  }
}

}  // namespace nimbus::apigateway::v2internal
