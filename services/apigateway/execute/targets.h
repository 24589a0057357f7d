#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "services/common/scope.h"

namespace nimbus::apigateway {

// One routable path template: the resource's path parts below the root ("items", "{id}",
// "{proxy+}") and where its methods live in the snapshot.
struct Route {
  std::vector<std::string> parts;
  std::string id;        // resource id (v1) or route id (v2)
  std::string path;      // "/items/{id}"
  std::string method;    // v2 only: the route key's method ("ANY" included); empty for $default
  std::string route_key;  // v2 only
  const rapidjson::Value* node = nullptr;  // v1: the Resource; v2: the Route
};

// What an invocation needs from a deployed API, frozen when built: the control plane hands
// out a new one after any change, so the data plane can read it on any strand.
struct DeployedApi {
  Scope scope;
  std::string api_id;
  std::string stage;
  bool v2 = false;
  // v1: {"restApi", "resources", "authorizers", "requestValidators", "models",
  //      "gatewayResponses"}; v2: {"api", "routes", "integrations", "authorizers"}.
  rapidjson::Document snapshot;
  std::map<std::string, std::string> variables;  // stage variables
  std::vector<Route> routes;
  const rapidjson::Value* default_route = nullptr;  // v2 $default
};
using RestTarget = DeployedApi;

// The result of matching a request path and method against an API's routes.
struct RouteMatch {
  const Route* route = nullptr;
  const rapidjson::Value* method = nullptr;  // v1: the Method object
  std::map<std::string, std::string> path_params;
};

// Builds the route list of a v1 snapshot's "resources".
void BuildRestRoutes(DeployedApi& api);
// The most specific resource whose template matches `path` ("/a/b", decoded segments) and
// that has `method` or ANY (literal parts beat {param}, which beats {proxy+}).
RouteMatch MatchRest(const DeployedApi& api, const std::string& method, const std::string& path);
// v2: the route whose key matches method and path ("GET /items/{id}", "ANY /{proxy+}"), else
// $default.
RouteMatch MatchHttp(const DeployedApi& api, const std::string& method, const std::string& path);
// Splits a template or request path into its segments ("/a/b/" → {"a", "b"}).
std::vector<std::string> PathSegments(std::string_view path);

}  // namespace nimbus::apigateway
