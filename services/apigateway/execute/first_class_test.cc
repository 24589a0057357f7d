// Unit tests of HTTP APIs' first-class SQS integrations (subtype checks, request parameter
// mapping into SQS input) and of the YAML export writer.
#include <gtest/gtest.h>

#include "services/apigateway/execute/first_class.h"
#include "services/apigateway/integration_subtypes.h"
#include "services/apigateway/json_util.h"
#include "services/apigateway/yaml_json.h"

namespace nimbus::apigateway {
namespace {

rapidjson::Document Doc(const char* text) {
  rapidjson::Document d;
  d.Parse(text);
  return d;
}

std::optional<std::string> CheckOf(const char* integration) {
  auto err = CheckSubtypeIntegration(Doc(integration));
  if (!err) {
    return std::nullopt;
  }
  EXPECT_EQ(err->code, "BadRequestException");
  EXPECT_EQ(err->http_status, 400);
  return err->message;
}

TEST(IntegrationSubtype, AcceptsASendMessageWithItsRequiredParameters) {
  EXPECT_EQ(CheckOf(R"({"IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-SendMessage",
      "PayloadFormatVersion": "1.0", "RequestParameters": {"QueueUrl": "https://q",
      "MessageBody": "$request.body.m", "MessageGroupId": "$request.header.g",
      "DelaySeconds": "$stageVariables.d", "MessageDeduplicationId": "$context.requestId"}})"),
            std::nullopt);
  EXPECT_EQ(CheckOf(R"({"IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-PurgeQueue",
      "RequestParameters": {"QueueUrl": "$request.path.q", "Region": "eu-west-1"}})"),
            std::nullopt);
  EXPECT_EQ(CheckOf(R"({"IntegrationType": "AWS_PROXY"})"), std::nullopt);  // no subtype
}

TEST(IntegrationSubtype, NamesTheMissingRequiredParameter) {
  auto msg = CheckOf(R"({"IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-DeleteMessage",
      "RequestParameters": {"QueueUrl": "https://q"}})");
  ASSERT_TRUE(msg);
  EXPECT_NE(msg->find("ReceiptHandle"), std::string::npos) << *msg;
  EXPECT_NE(msg->find("Validation Result"), std::string::npos) << *msg;
  EXPECT_TRUE(
      CheckOf(R"({"IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-SendMessage"})"));
}

TEST(IntegrationSubtype, RejectsUnknownParametersSourcesTypesAndPayloadVersions) {
  EXPECT_TRUE(CheckOf(R"({"IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-PurgeQueue",
      "RequestParameters": {"QueueUrl": "q", "MessageBody": "x"}})"));
  auto source = CheckOf(R"({"IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-PurgeQueue",
      "RequestParameters": {"QueueUrl": "$request.cookie.x"}})");
  ASSERT_TRUE(source);
  EXPECT_NE(source->find("Invalid source: $request.cookie.x specified for destination: QueueUrl"),
            std::string::npos);
  EXPECT_TRUE(CheckOf(R"({"IntegrationType": "HTTP_PROXY", "IntegrationSubtype": "SQS-PurgeQueue",
      "RequestParameters": {"QueueUrl": "q"}})"));
  EXPECT_TRUE(CheckOf(R"({"IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-PurgeQueue",
      "PayloadFormatVersion": "2.0", "RequestParameters": {"QueueUrl": "q"}})"));
  EXPECT_TRUE(CheckOf(R"({"IntegrationType": "AWS_PROXY", "IntegrationSubtype": "Lambda-Invoke",
      "RequestParameters": {}})"));
}

TEST(IntegrationSubtype, SourceSyntax) {
  for (const char* ok : {"static", "$request.body", "$request.body.a.b[0]", "$request.header.X-Y",
                         "$request.querystring.q", "$request.path.id", "$context.requestId",
                         "$stageVariables.url"}) {
    EXPECT_TRUE(ValidParameterSource(ok)) << ok;
  }
  for (const char* bad : {"", "$request.body.", "$request.header.", "$request", "$foo.bar",
                          "$context.", R"({"a": {"DataType": "String"}})", "[1]"}) {
    EXPECT_FALSE(ValidParameterSource(bad)) << bad;
  }
}

struct Fixture {
  protocol::HttpRequest request;
  Invocation inv;
  Fixture() {
    auto api = std::make_shared<DeployedApi>();
    api->scope = Scope{"000000000000", "us-east-1"};
    api->api_id = "abc123";
    api->stage = "$default";
    api->variables = {{"url", "http://q/000000000000/q1"}};
    request.method = "POST";
    request.headers = {{"X-Msg", "one"}, {"x-msg", "two"}, {"Content-Type", "application/json"}};
    request.body = R"({"m": "hi", "n": {"deep": [1, {"k": "v"}]},)"
                   R"( "attrs": {"a": {"DataType": "String", "StringValue": "x"}}})";
    inv.request = &request;
    inv.request_id = "req-1";
    inv.api = api;
    inv.query = {{"q", "1"}, {"q", "2"}, {"delay", "5"}};
    inv.match.path_params = {{"id", "42"}};
  }
};

TEST(FirstClass, ResolvesEachKindOfSource) {
  Fixture f;
  auto r = [&](const char* s) { return ResolveParameterSource(f.inv, s); };
  EXPECT_EQ(r("static text"), "static text");
  EXPECT_EQ(r("$request.body"), f.request.body);
  EXPECT_EQ(r("$request.body.m"), "hi");
  EXPECT_EQ(r("$request.body.n.deep[1].k"), "v");
  EXPECT_EQ(r("$request.body.n.deep"), R"([1,{"k":"v"}])");
  EXPECT_EQ(r("$request.body.missing"), std::nullopt);
  EXPECT_EQ(r("$request.header.x-msg"), "one,two");
  EXPECT_EQ(r("$request.header.nope"), std::nullopt);
  EXPECT_EQ(r("$request.querystring.q"), "1,2");
  EXPECT_EQ(r("$request.path.id"), "42");
  EXPECT_EQ(r("$stageVariables.url"), "http://q/000000000000/q1");
  EXPECT_EQ(r("$context.requestId"), "req-1");
  EXPECT_EQ(r("$context.apiId"), "abc123");
  EXPECT_EQ(r("$context.httpMethod"), "POST");
  EXPECT_EQ(r("$context.authorizer.claims.sub"), std::nullopt);  // no authorizer ran
  f.inv.authorizer.Parse(R"({"jwt": {"claims": {"sub": "user-1"}, "scopes": ["a"]}})");
  EXPECT_EQ(r("$context.authorizer.claims.sub"), "user-1");
  f.inv.authorizer.Parse(R"({"lambda": {"tenant": "t9"}})");
  EXPECT_EQ(r("$context.authorizer.tenant"), "t9");
}

TEST(FirstClass, TypesSqsInputAsTheModelDeclaresIt) {
  Fixture f;
  auto params = Doc(R"({"QueueUrl": "$stageVariables.url", "MessageBody": "$request.body.m",
      "DelaySeconds": "$request.querystring.delay", "MessageAttributes": "$request.body.attrs",
      "MessageGroupId": "$request.header.absent", "Region": "eu-west-1"})");
  auto action = SqsActionFor(f.inv, "SQS-SendMessage", &params);
  ASSERT_TRUE(action.has_value());
  EXPECT_EQ(action->operation, "SendMessage");
  EXPECT_EQ(action->region, "eu-west-1");
  EXPECT_EQ(json::Write(action->params),
            R"({"QueueUrl":"http://q/000000000000/q1","MessageBody":"hi","DelaySeconds":5,)"
            R"("MessageAttributes":{"a":{"DataType":"String","StringValue":"x"}}})");

  auto receive = Doc(R"({"QueueUrl": "q", "AttributeNames": "All,SentTimestamp",
      "MessageAttributeNames": "[\"a\", \"b\"]", "MaxNumberOfMessages": "3"})");
  auto r = SqsActionFor(f.inv, "SQS-ReceiveMessage", &receive);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(json::Write(r->params),
            R"({"QueueUrl":"q","AttributeNames":["All","SentTimestamp"],)"
            R"("MessageAttributeNames":["a","b"],"MaxNumberOfMessages":3})");

  auto bad = Doc(R"({"QueueUrl": "q", "MessageBody": "x", "DelaySeconds": "soon"})");
  auto err = SqsActionFor(f.inv, "SQS-SendMessage", &bad);
  ASSERT_FALSE(err.has_value());
  EXPECT_EQ(err.error().code, "InvalidParameterValue");
  EXPECT_EQ(err.error().http_status, 400);

  auto attrs =
      Doc(R"({"QueueUrl": "q", "MessageBody": "x", "MessageAttributes": "$request.body.m"})");
  auto unresolvable = SqsActionFor(f.inv, "SQS-SendMessage", &attrs);
  ASSERT_FALSE(unresolvable.has_value());
  EXPECT_EQ(unresolvable.error().http_status, 500);
  EXPECT_EQ(unresolvable.error().message,
            "Unable to resolve property MessageAttributes from source $request.body.m");
}

TEST(YamlExport, RoundTripsThroughTheYamlReader) {
  auto doc = Doc(R"({"openapi": "3.0.1", "info": {"title": "t: x", "version": "1"},
      "paths": {"/a/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}},
      "flags": [true, false, null, 1, 2.5, "true", "", "null", "12"], "empty": {}, "none": []})");
  std::string yaml = JsonToYaml(doc);
  EXPECT_NE(yaml.find("openapi: 3.0.1"), std::string::npos) << yaml;
  auto back = YamlToJson(yaml);
  ASSERT_TRUE(back) << yaml;
  EXPECT_EQ(json::Write(*back), json::Write(doc)) << yaml;
}

}  // namespace
}  // namespace nimbus::apigateway

namespace nimbus::apigateway {
namespace {

TEST(JsonUtil, MemberNamesMayBeViewsIntoLongerText) {
  rapidjson::Document d;
  d.Parse(R"({"n": {"deep": 1}, "x": 2})");
  std::string_view path = "n.deep";
  const rapidjson::Value* n = json::Get(d, path.substr(0, 1));
  ASSERT_NE(n, nullptr);
  EXPECT_NE(json::Get(*n, path.substr(2)), nullptr);
  json::Set(d, std::string_view("x.y").substr(0, 1), rapidjson::Value(3), d.GetAllocator());
  EXPECT_EQ(json::Write(d), R"({"n":{"deep":1},"x":3})");
  json::Remove(d, std::string_view("n.deep").substr(0, 1));
  EXPECT_EQ(json::Write(d), R"({"x":3})");
}

}  // namespace
}  // namespace nimbus::apigateway
