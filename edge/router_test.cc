#include "edge/router.h"

#include <gtest/gtest.h>

#include "edge/config.h"

namespace nimbus::edge {
namespace {

using protocol::HttpRequest;
using protocol::Protocol;

HttpRequest Signed(std::string service, std::string region = "eu-west-1",
                   std::string key = "AKIDEXAMPLE") {
  HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"authorization", "AWS4-HMAC-SHA256 Credential=" + key + "/20261122/" + region +
                                     "/" + service +
                                     "/aws4_request, SignedHeaders=host;x-amz-date, "
                                     "Signature=abc"}};
  return r;
}

TEST(Router, InternalEndpointsComeFirst) {
  HttpRequest r = Signed("sqs");
  r.path = "/_localstack/health";
  EXPECT_EQ(Route(r).kind, RouteTarget::Kind::kInternal);
  r.path = "/_nimbus/reset";
  EXPECT_EQ(Route(r).kind, RouteTarget::Kind::kInternal);
}

TEST(Router, TargetHeaderSelectsJsonService) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"x-amz-target", "Logs_20140328.CreateLogGroup"}};
  auto t = Route(r);
  EXPECT_EQ(t.service, "logs");
  EXPECT_EQ(t.protocol, Protocol::kJson);
  EXPECT_EQ(t.scope.account_id, "000000000000");
  EXPECT_EQ(t.scope.region, "us-east-1");
}

TEST(Router, SqsSpeaksJsonOrQueryByContentType) {
  HttpRequest r = Signed("sqs");
  r.headers.emplace_back("content-type", "application/x-amz-json-1.0");
  EXPECT_EQ(Route(r).protocol, Protocol::kJson);
  HttpRequest q = Signed("sqs");
  q.headers.emplace_back("content-type", "application/x-www-form-urlencoded; charset=utf-8");
  auto t = Route(q);
  EXPECT_EQ(t.service, "sqs");
  EXPECT_EQ(t.protocol, Protocol::kQuery);
  EXPECT_EQ(t.scope.region, "eu-west-1");
}

TEST(Router, UnsignedQueryByVersion) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  r.body = "Action=Publish&Version=2010-03-31";
  EXPECT_EQ(Route(r).service, "sns");
  r.body = "Action=ListUsers&Version=2010-05-08";
  EXPECT_EQ(Route(r).service, "iam");
  HttpRequest get;
  get.method = "GET";
  get.path = "/";
  get.query = "Action=ConfirmSubscription&Version=2010-03-31&Token=x";
  EXPECT_EQ(Route(get).service, "sns");
}

TEST(Router, SnsSubscribeAndUnsubscribeUrlsCarryNoVersion) {
  HttpRequest get;
  get.method = "GET";
  get.path = "/";
  get.query = "Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Token=x";
  EXPECT_EQ(Route(get).service, "sns");
  get.query = "Action=Unsubscribe&SubscriptionArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At%3Aid";
  EXPECT_EQ(Route(get).service, "sns");
  get.query = "Action=ListUsers";  // any other action still needs a Version or a signature
  EXPECT_EQ(Route(get).kind, RouteTarget::Kind::kNone);
}

TEST(Router, OldSqsClientsPostToTheQueueUrl) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/000000000000/my-queue";
  r.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  r.body = "Action=SendMessage&MessageBody=x";
  auto t = Route(r);
  EXPECT_EQ(t.service, "sqs");
  EXPECT_EQ(t.protocol, Protocol::kQuery);
}

TEST(Router, RestJsonByPathAndApiGatewayVersions) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/2015-03-31/functions/";
  EXPECT_EQ(Route(r).service, "lambda");
  HttpRequest v1 = Signed("apigateway");
  v1.path = "/restapis";
  EXPECT_EQ(Route(v1).service, "apigateway");
  HttpRequest v2 = Signed("apigateway");
  v2.path = "/v2/apis";
  EXPECT_EQ(Route(v2).service, "apigatewayv2");
}

TEST(Router, AccountFromTwelveDigitKey) {
  auto t = Route(Signed("sts", "us-west-2", "123456789012"));
  EXPECT_EQ(t.scope.account_id, "123456789012");
  EXPECT_EQ(t.scope.region, "us-west-2");
  EXPECT_EQ(t.caller.access_key_id, "123456789012");
  EXPECT_EQ(Route(Signed("sts", "us-west-2", "test")).scope.account_id, "000000000000");
}

TEST(Router, UnknownRequestsMatchNothing) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/nothing/here";
  EXPECT_EQ(Route(r).kind, RouteTarget::Kind::kNone);
  HttpRequest t;
  t.method = "POST";
  t.path = "/";
  t.headers = {{"x-amz-target", "DynamoDB_20120810.ListTables"}};
  EXPECT_EQ(Route(t).kind, RouteTarget::Kind::kNone);
}

TEST(Config, ParsesListenAddresses) {
  auto l = ParseListen("127.0.0.1:0, :4566,[::1]:5000");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].host, "127.0.0.1");
  EXPECT_EQ(l[0].port, 0);
  EXPECT_EQ(l[1].host, "0.0.0.0");
  EXPECT_EQ(l[1].port, 4566);
  EXPECT_EQ(l[2].host, "::1");
  EXPECT_THROW(ParseListen("localhost"), std::invalid_argument);
  EXPECT_THROW(ParseListen("a:99999"), std::invalid_argument);
  EXPECT_THROW(ParseListen(""), std::invalid_argument);
}

}  // namespace
}  // namespace nimbus::edge
