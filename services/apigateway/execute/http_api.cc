// HTTP API (v2) invocations: route selection ($default fallback), CORS, authorizers and the
// AWS_PROXY / HTTP_PROXY integrations.
#include "services/apigateway/execute/execute_data_plane.h"
#include "services/apigateway/execute/integrations.h"
#include "services/apigateway/execute/proxy_events.h"
#include "services/apigateway/json_util.h"

namespace nimbus::apigateway {
namespace asio = boost::asio;
using protocol::HttpRequest;
using protocol::HttpResponse;
using rapidjson::Value;

namespace {

std::string Join(const Value* list) {
  std::string out;
  if (list != nullptr && list->IsArray()) {
    for (const auto& v : list->GetArray()) {
      if (v.IsString()) {
        out += (out.empty() ? "" : ",") + std::string(v.GetString());
      }
    }
  }
  return out;
}

// AWS: with a CORS configuration, API Gateway answers preflights itself and adds the
// configured headers to every response whose Origin is allowed.
void ApplyCors(const Value& cors, const HttpRequest& request, HttpResponse& res,
               bool preflight) {
  std::string origin(request.Header("origin"));
  if (origin.empty()) {
    return;
  }
  std::string origins = Join(json::Get(cors, "AllowOrigins"));
  bool any = origins == "*" || origins.find("*") != std::string::npos;
  bool listed = false;
  if (const Value* list = json::Get(cors, "AllowOrigins"); list && list->IsArray()) {
    for (const auto& o : list->GetArray()) {
      listed = listed || (o.IsString() && origin == o.GetString());
    }
  }
  if (!any && !listed) {
    return;
  }
  res.SetHeader("Access-Control-Allow-Origin", any && !json::GetBool(cors, "AllowCredentials")
                                                   ? "*"
                                                   : origin);
  if (json::GetBool(cors, "AllowCredentials")) {
    res.SetHeader("Access-Control-Allow-Credentials", "true");
  }
  if (auto expose = Join(json::Get(cors, "ExposeHeaders")); !expose.empty()) {
    res.SetHeader("Access-Control-Expose-Headers", expose);
  }
  if (preflight) {
    if (auto methods = Join(json::Get(cors, "AllowMethods")); !methods.empty()) {
      res.SetHeader("Access-Control-Allow-Methods", methods);
    }
    if (auto headers = Join(json::Get(cors, "AllowHeaders")); !headers.empty()) {
      res.SetHeader("Access-Control-Allow-Headers", headers);
    }
    if (const Value* age = json::Get(cors, "MaxAge"); age && age->IsInt() && age->GetInt() >= 0) {
      res.SetHeader("Access-Control-Max-Age", std::to_string(age->GetInt()));
    }
  }
}

}  // namespace

asio::awaitable<HttpResponse> ExecuteApiDataPlane::InvokeHttpApi(Invocation& inv) {
  const DeployedApi& api = *inv.api;
  const Value* cors = json::Get(api.snapshot["api"], "CorsConfiguration");
  const HttpRequest& req = *inv.request;
  if (cors != nullptr && req.method == "OPTIONS" && req.HasHeader("origin") &&
      req.HasHeader("access-control-request-method")) {
    HttpResponse res;
    res.status = 204;
    ApplyCors(*cors, req, res, true);
    co_return res;
  }
  inv.match = MatchHttp(api, req.method, inv.path);
  if (inv.match.route == nullptr) {
    for (const auto& r : api.routes) {
      if (r.route_key == "$default") {
        inv.match.route = &r;
      }
    }
  }
  if (inv.match.route == nullptr) {
    co_return GatewayError(404, "Not Found");
  }
  const Value& route = *inv.match.route->node;
  HttpResponse res;
  if (auto refused = co_await AuthorizeHttp(inv, route)) {
    res = std::move(*refused);
  } else {
    std::string target = json::GetStr(route, "Target");
    const Value* integrations = json::Get(api.snapshot, "integrations");
    const Value* integ = target.rfind("integrations/", 0) == 0 && integrations
                             ? json::Get(*integrations, target.substr(13))
                             : nullptr;
    if (integ == nullptr) {
      res = GatewayError(404, "Not Found");
    } else {
      std::string type = json::GetStr(*integ, "IntegrationType");
      std::string uri = SubstituteStageVariables(json::GetStr(*integ, "IntegrationUri"), inv);
      long timeout = 30000;
      if (const Value* t = json::Get(*integ, "TimeoutInMillis"); t && t->IsInt()) {
        timeout = t->GetInt();
      }
      if (type == "AWS_PROXY" && integ->HasMember("IntegrationSubtype")) {
        res = co_await FirstClassIntegration(inv, *integ);
      } else if (type == "AWS_PROXY") {
        res = co_await LambdaProxy(inv, uri,
                                   json::GetStr(*integ, "PayloadFormatVersion", "2.0") == "2.0");
      } else if (type == "HTTP_PROXY") {
        res = co_await HttpProxy(inv, uri, nullptr, timeout);
      } else {
        res = GatewayError(500, "Internal Server Error");
      }
    }
  }
  if (cors != nullptr) {
    ApplyCors(*cors, req, res, false);
  }
  res.SetHeader("Apigw-Requestid", inv.request_id);
  co_return res;
}

}  // namespace nimbus::apigateway
