// Unit tests of the pieces of the execute-api data plane that need no server: route matching,
// authorizer policy evaluation and JWT checks, proxy response mapping, PATCH operations and
// YAML definitions.
#include <gtest/gtest.h>

#include "services/apigateway/execute/authorizers.h"
#include "services/apigateway/execute/proxy_events.h"
#include "services/apigateway/execute/targets.h"
#include "services/apigateway/json_util.h"
#include "services/apigateway/yaml_json.h"
#include "services/common/base64.h"

namespace nimbus::apigateway {
namespace {

DeployedApi RestApi(std::initializer_list<std::pair<const char*, const char*>> resources) {
  DeployedApi api;
  std::string json = R"({"resources": {)";
  int i = 0;
  for (const auto& [path, methods] : resources) {
    json += std::string(i ? "," : "") + "\"r" + std::to_string(i) + "\": {\"path\": \"" + path +
            "\", \"resourceMethods\": {";
    std::string m = methods;
    size_t start = 0;
    bool first = true;
    while (start < m.size()) {
      size_t comma = m.find(',', start);
      std::string name = m.substr(start, comma == std::string::npos ? comma : comma - start);
      json += std::string(first ? "" : ",") + "\"" + name + "\": {\"httpMethod\": \"" + name +
              "\"}";
      first = false;
      start = comma == std::string::npos ? m.size() : comma + 1;
    }
    json += "}}";
    ++i;
  }
  json += "}}";
  api.snapshot.Parse(json.c_str());
  BuildRestRoutes(api);
  return api;
}

TEST(RouteMatch, LiteralBeatsParamBeatsGreedy) {
  auto api = RestApi({{"/items", "GET"},
                      {"/items/{id}", "GET,ANY"},
                      {"/items/special", "GET"},
                      {"/{proxy+}", "ANY"}});
  EXPECT_EQ(MatchRest(api, "GET", "/items/special").route->path, "/items/special");
  auto m = MatchRest(api, "GET", "/items/7");
  EXPECT_EQ(m.route->path, "/items/{id}");
  EXPECT_EQ(m.path_params.at("id"), "7");
  EXPECT_EQ(json::GetStr(*m.method, "httpMethod"), "GET");
  EXPECT_EQ(json::GetStr(*MatchRest(api, "PUT", "/items/7").method, "httpMethod"), "ANY");
  auto g = MatchRest(api, "POST", "/a/b/c");
  EXPECT_EQ(g.route->path, "/{proxy+}");
  EXPECT_EQ(g.path_params.at("proxy"), "a/b/c");
  EXPECT_EQ(MatchRest(api, "GET", "/items/7/x").route->path, "/{proxy+}");
  EXPECT_EQ(MatchRest(api, "GET", "/").route, nullptr);  // greedy needs a segment
}

TEST(RouteMatch, HttpRoutesPreferMethodOverAny) {
  DeployedApi api;
  api.v2 = true;
  api.snapshot.SetObject();
  for (const char* key : {"GET /pets/{id}", "ANY /pets/{id}", "ANY /{proxy+}"}) {
    Route r;
    r.route_key = key;
    std::string k = key;
    r.method = k.substr(0, k.find(' '));
    r.path = k.substr(k.find(' ') + 1);
    r.parts = PathSegments(r.path);
    api.routes.push_back(r);
  }
  EXPECT_EQ(MatchHttp(api, "GET", "/pets/1").route->route_key, "GET /pets/{id}");
  EXPECT_EQ(MatchHttp(api, "DELETE", "/pets/1").route->route_key, "ANY /pets/{id}");
  EXPECT_EQ(MatchHttp(api, "GET", "/other").route->route_key, "ANY /{proxy+}");
}

TEST(Policy, ExplicitDenyWinsAndWildcardsMatch) {
  rapidjson::Document doc;
  doc.Parse(R"({"Statement": [
      {"Effect": "Allow", "Action": "execute-api:Invoke",
       "Resource": "arn:aws:execute-api:us-east-1:1:api/*/GET/*"},
      {"Effect": "Deny", "Action": ["execute-api:*"],
       "Resource": ["arn:aws:execute-api:us-east-1:1:api/prod/GET/admin"]}]})");
  EXPECT_EQ(EvaluatePolicy(doc, "arn:aws:execute-api:us-east-1:1:api/dev/GET/items"),
            PolicyDecision::kAllow);
  EXPECT_EQ(EvaluatePolicy(doc, "arn:aws:execute-api:us-east-1:1:api/prod/GET/admin"),
            PolicyDecision::kDeny);
  EXPECT_EQ(EvaluatePolicy(doc, "arn:aws:execute-api:us-east-1:1:api/dev/POST/items"),
            PolicyDecision::kImplicitDeny);
  EXPECT_TRUE(WildcardMatch("a?c*", "abcdef"));
  EXPECT_FALSE(WildcardMatch("a?c", "abcd"));
}

std::string Jwt(const std::string& claims) {
  auto b64 = [](const std::string& s) {
    std::string out = Base64Encode(s);
    for (auto& c : out) {
      c = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    while (!out.empty() && out.back() == '=') {
      out.pop_back();
    }
    return out;
  };
  return b64(R"({"alg":"none"})") + "." + b64(claims) + ".sig";
}

TEST(Jwt, IssuerAudienceAndExpiry) {
  rapidjson::Document aud;
  aud.Parse(R"(["app"])");
  auto token = Jwt(R"({"iss":"https://i","aud":"app","exp":2000})");
  EXPECT_TRUE(CheckJwt("Bearer " + token, "https://i", &aud, 1000));
  EXPECT_FALSE(CheckJwt(token, "https://other", &aud, 1000));
  EXPECT_FALSE(CheckJwt(token, "https://i", &aud, 3000));
  EXPECT_FALSE(CheckJwt("not-a-token", "", nullptr, 0));
}

TEST(ProxyResponse, V1MapsHeadersAndRejectsUnknownMembers) {
  auto res = MapResponseV1(R"({"statusCode": 201, "headers": {"A": "1", "B": true},
      "multiValueHeaders": {"A": ["x", "y"]}, "body": "aGk=", "isBase64Encoded": true})");
  EXPECT_EQ(res.status, 201u);
  EXPECT_EQ(res.body, "hi");
  bool found = false;
  for (const auto& [k, v] : res.headers) {
    if (k == "A") {
      EXPECT_EQ(v, "x, y");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(MapResponseV1(R"({"statusCode": 200, "extra": 1})").status, 502u);
  EXPECT_EQ(MapResponseV1("[1]").status, 502u);
  EXPECT_EQ(MapResponseV1(R"({"statusCode": 200, "body": {"a": 1}})").status, 502u);
}

TEST(ProxyResponse, V2InfersA200ForPlainJson) {
  auto res = MapResponseV2(R"({"hello": "world"})");
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, R"({"hello": "world"})");
  auto cookies = MapResponseV2(R"({"statusCode": 204, "cookies": ["a=1"]})");
  EXPECT_EQ(cookies.status, 204u);
  EXPECT_EQ(MapResponseV2("not json").status, 500u);
}

TEST(Patch, ConvertsTypesAndEditsLists) {
  rapidjson::Document doc;
  doc.Parse(R"({"name": "a", "binaryMediaTypes": ["image/png"], "apiKeyRequired": false,
                "requestParameters": {}})");
  rapidjson::Document ops;
  ops.Parse(R"([
      {"op": "replace", "path": "/name", "value": "b"},
      {"op": "add", "path": "/binaryMediaTypes/image~1gif"},
      {"op": "remove", "path": "/binaryMediaTypes/image~1png"},
      {"op": "replace", "path": "/apiKeyRequired", "value": "true"},
      {"op": "add", "path": "/requestParameters/method.request.header.x", "value": "true"},
      {"op": "replace", "path": "/timeoutInMillis", "value": "500"}])");
  EXPECT_FALSE(json::ApplyPatch(doc, &ops, doc.GetAllocator()));
  EXPECT_EQ(json::GetStr(doc, "name"), "b");
  EXPECT_EQ(json::Write(doc["binaryMediaTypes"]), R"(["image/gif"])");
  EXPECT_TRUE(doc["apiKeyRequired"].GetBool());
  EXPECT_TRUE(doc["requestParameters"]["method.request.header.x"].GetBool());
  EXPECT_EQ(doc["timeoutInMillis"].GetInt64(), 500);
  rapidjson::Document bad;
  bad.Parse(R"([{"op": "frobnicate", "path": "/name"}])");
  EXPECT_TRUE(json::ApplyPatch(doc, &bad, doc.GetAllocator()));
}

TEST(Yaml, OpenApiDefinitionsBecomeJson) {
  auto doc = YamlToJson(R"(openapi: "3.0.1"
info:
  title: pets
  version: 1
paths:
  /pets:
    get:
      responses:
        200:
          description: ok
      x-amazon-apigateway-integration:
        type: mock
        timeoutInMillis: 1000
        enabled: true
        list: [a, "b"]
)");
  ASSERT_TRUE(doc);
  EXPECT_EQ(json::GetStr((*doc)["info"], "title"), "pets");
  EXPECT_TRUE((*doc)["info"]["version"].IsInt64());
  const auto& x = (*doc)["paths"]["/pets"]["get"]["x-amazon-apigateway-integration"];
  EXPECT_EQ(x["timeoutInMillis"].GetInt64(), 1000);
  EXPECT_TRUE(x["enabled"].GetBool());
  EXPECT_EQ(json::Write(x["list"]), R"(["a","b"])");
  EXPECT_TRUE((*doc)["paths"]["/pets"]["get"]["responses"].HasMember("200"));
  EXPECT_FALSE(YamlToJson("key: [unclosed"));
}

}  // namespace
}  // namespace nimbus::apigateway
