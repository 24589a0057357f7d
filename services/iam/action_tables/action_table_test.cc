#include "services/iam/action_tables/action_table.h"

#include <gtest/gtest.h>

namespace nimbus::iam {
namespace {

ResolvedAction Resolve(std::string_view service, std::string_view op, const char* params_json,
                       std::string method = "POST", std::string path = "/") {
  rapidjson::Document params;
  params.Parse(params_json);
  ActionInput in{&params, Scope{"111111111111", "eu-west-1"}, std::move(method), std::move(path)};
  return ResolveAction(service, op, in);
}

TEST(ActionTables, Sqs) {
  auto r = Resolve("sqs", "SendMessageBatch",
                   R"({"QueueUrl":"http://sqs.eu-west-1.localhost:4566/222222222222/orders"})");
  EXPECT_EQ(r.action, "sqs:SendMessage");
  EXPECT_EQ(r.resource, "arn:aws:sqs:eu-west-1:222222222222:orders");
  r = Resolve("sqs", "CreateQueue", R"({"QueueName":"jobs.fifo"})");
  EXPECT_EQ(r.resource, "arn:aws:sqs:eu-west-1:111111111111:jobs.fifo");
  EXPECT_EQ(Resolve("sqs", "ListQueues", "{}").resource, "*");
  r = Resolve("sqs", "ReceiveMessage", R"({"QueueUrl":"http://localhost:4566/queue/eu-west-1/333333333333/q/"})");
  EXPECT_EQ(r.resource, "arn:aws:sqs:eu-west-1:333333333333:q");
}

TEST(ActionTables, LambdaNamesPartialAndFullArns) {
  EXPECT_EQ(Resolve("lambda", "Invoke", R"({"FunctionName":"f"})").action, "lambda:InvokeFunction");
  EXPECT_EQ(Resolve("lambda", "Invoke", R"({"FunctionName":"f"})").resource,
            "arn:aws:lambda:eu-west-1:111111111111:function:f");
  EXPECT_EQ(Resolve("lambda", "Invoke", R"({"FunctionName":"f","Qualifier":"live"})").resource,
            "arn:aws:lambda:eu-west-1:111111111111:function:f:live");
  EXPECT_EQ(Resolve("lambda", "GetFunction", R"({"FunctionName":"222222222222:function:g"})").resource,
            "arn:aws:lambda:eu-west-1:222222222222:function:g");
  EXPECT_EQ(Resolve("lambda", "GetFunction",
                    R"({"FunctionName":"arn:aws:lambda:us-east-1:1:function:h:3"})").resource,
            "arn:aws:lambda:us-east-1:1:function:h:3");
  EXPECT_EQ(Resolve("lambda", "ListFunctions", "{}").resource, "*");
}

TEST(ActionTables, OtherServices) {
  EXPECT_EQ(Resolve("sns", "Publish", R"({"TopicArn":"arn:aws:sns:eu-west-1:1:t"})").resource,
            "arn:aws:sns:eu-west-1:1:t");
  EXPECT_EQ(Resolve("sns", "Unsubscribe", R"({"SubscriptionArn":"arn:aws:sns:eu-west-1:1:t:abc"})")
                .resource,
            "arn:aws:sns:eu-west-1:1:t");
  auto r = Resolve("iam", "PutRolePolicy", R"({"RoleName":"worker"})");
  EXPECT_EQ(r.action, "iam:PutRolePolicy");
  EXPECT_EQ(r.resource, "arn:aws:iam::111111111111:role/worker");
  EXPECT_EQ(Resolve("sts", "AssumeRole", R"({"RoleArn":"arn:aws:iam::1:role/r"})").resource,
            "arn:aws:iam::1:role/r");
  EXPECT_TRUE(Resolve("sts", "GetCallerIdentity", "{}").action.empty());
  EXPECT_EQ(Resolve("iam", "CreateOpenIDConnectProvider", R"({"Url":"https://a.example.com/"})")
                .resource,
            "arn:aws:iam::111111111111:oidc-provider/a.example.com");
  EXPECT_EQ(Resolve("iam", "GetSAMLProvider",
                    R"({"SAMLProviderArn":"arn:aws:iam::1:saml-provider/okta"})")
                .resource,
            "arn:aws:iam::1:saml-provider/okta");
  EXPECT_EQ(Resolve("iam", "EnableMFADevice",
                    R"({"UserName":"u","SerialNumber":"arn:aws:iam::1:mfa/d"})")
                .resource,
            "arn:aws:iam::111111111111:user/u");
  EXPECT_EQ(Resolve("iam", "DeleteVirtualMFADevice", R"({"SerialNumber":"arn:aws:iam::1:mfa/d"})")
                .resource,
            "arn:aws:iam::1:mfa/d");
  EXPECT_EQ(Resolve("iam", "CreateVirtualMFADevice", R"({"VirtualMFADeviceName":"d"})").resource,
            "arn:aws:iam::111111111111:mfa/d");
  EXPECT_EQ(Resolve("iam", "UploadServerCertificate",
                    R"({"ServerCertificateName":"c","Path":"/cloudfront/"})")
                .resource,
            "arn:aws:iam::111111111111:server-certificate/cloudfront/c");
  EXPECT_EQ(Resolve("sts", "AssumeRoleWithSAML", R"({"RoleArn":"arn:aws:iam::1:role/r"})").action,
            "sts:AssumeRoleWithSAML");
  EXPECT_EQ(Resolve("logs", "PutLogEvents", R"({"logGroupName":"/aws/lambda/f","logStreamName":"s"})")
                .resource,
            "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/f:log-stream:s");
  r = Resolve("apigateway", "GetRestApis", "{}", "GET", "/restapis");
  EXPECT_EQ(r.action, "apigateway:GET");
  EXPECT_EQ(r.resource, "arn:aws:apigateway:eu-west-1::/restapis");
}

}  // namespace
}  // namespace nimbus::iam
