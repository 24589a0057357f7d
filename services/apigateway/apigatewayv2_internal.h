#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "services/apigateway/json_util.h"

// Helpers shared by the apigatewayv2_*.cc files.
namespace nimbus::apigateway::v2internal {

inline constexpr char kApi[] = "httpapi";  // the DocStore kind of an HTTP API

// Members of an HTTP API integration the data plane uses, with AWS's defaults.
inline void IntegrationDefaults(rapidjson::Value& integ, json::Alloc& a) {
  std::string type = json::GetStr(integ, "IntegrationType");
  if (!integ.HasMember("PayloadFormatVersion")) {
    // First-class (subtype) integrations take payload 1.0 only.
    bool lambda_proxy = type == "AWS_PROXY" && !integ.HasMember("IntegrationSubtype");
    json::SetStr(integ, "PayloadFormatVersion", lambda_proxy ? "2.0" : "1.0", a);
  }
  if (!integ.HasMember("TimeoutInMillis")) {
    json::Set(integ, "TimeoutInMillis", rapidjson::Value(30000), a);
  }
  if (!integ.HasMember("ConnectionType")) {
    json::SetStr(integ, "ConnectionType", "INTERNET", a);
  }
  if (!integ.HasMember("IntegrationMethod") && type == "AWS_PROXY" &&
      !integ.HasMember("IntegrationSubtype")) {
    json::SetStr(integ, "IntegrationMethod", "POST", a);
  }
}

// The host:port put in an API's ApiEndpoint: NIMBUS_HOST / LOCALSTACK_HOST as configured, else
// LocalStack's localhost.localstack.cloud on the port the client reached (`request_host`'s).
inline std::string EndpointHost(std::string_view request_host) {
  for (const char* name : {"NIMBUS_HOST", "LOCALSTACK_HOST"}) {
    if (const char* h = std::getenv(name); h != nullptr && *h != '\0') {
      std::string host(h);
      return host.find(':') == std::string::npos ? host + ":4566" : host;
    }
  }
  auto colon = request_host.rfind(':');
  bool has_port = colon != std::string_view::npos &&
                  request_host.find(']', colon) == std::string_view::npos;
  return "localhost.localstack.cloud:" +
         (has_port ? std::string(request_host.substr(colon + 1)) : std::string("4566"));
}

// AWS: https://<id>.execute-api.<region>.amazonaws.com; here the URL that reaches this process.
inline std::string ApiEndpoint(const std::string& id, std::string_view request_host) {
  return "http://" + id + ".execute-api." + EndpointHost(request_host);
}

}  // namespace nimbus::apigateway::v2internal
