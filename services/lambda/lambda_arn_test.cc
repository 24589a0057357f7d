#include "services/lambda/lambda_arn.h"

#include <gtest/gtest.h>

namespace nimbus::lambda {
namespace {

TEST(ParseFunctionName, PlainName) {
  auto r = ParseFunctionName("my-function_1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "my-function_1");
  EXPECT_FALSE(r->qualifier);
  EXPECT_EQ(r->account, "");
  EXPECT_EQ(r->region, "");
}

TEST(ParseFunctionName, NameWithQualifier) {
  auto r = ParseFunctionName("fn:prod");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "fn");
  EXPECT_EQ(r->qualifier, "prod");
  r = ParseFunctionName("fn:$LATEST");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->qualifier, "$LATEST");
  r = ParseFunctionName("fn:7");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->qualifier, "7");
}

TEST(ParseFunctionName, PartialArn) {
  auto r = ParseFunctionName("123456789012:function:fn");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->account, "123456789012");
  EXPECT_EQ(r->name, "fn");
  EXPECT_FALSE(r->qualifier);
  r = ParseFunctionName("123456789012:function:fn:3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->qualifier, "3");
  r = ParseFunctionName("function:fn");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "fn");
  EXPECT_EQ(r->account, "");
}

TEST(ParseFunctionName, FullArn) {
  auto r = ParseFunctionName("arn:aws:lambda:eu-west-1:000000000000:function:fn");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->region, "eu-west-1");
  EXPECT_EQ(r->account, "000000000000");
  EXPECT_EQ(r->name, "fn");
  EXPECT_FALSE(r->qualifier);
  r = ParseFunctionName("arn:aws:lambda:us-gov-west-1:000000000000:function:fn:live");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->region, "us-gov-west-1");
  EXPECT_EQ(r->qualifier, "live");
}

TEST(ParseFunctionName, RejectsMalformed) {
  EXPECT_FALSE(ParseFunctionName(""));
  EXPECT_FALSE(ParseFunctionName("has space"));
  EXPECT_FALSE(ParseFunctionName("a:b:c"));
  EXPECT_FALSE(ParseFunctionName("fn:bad.qualifier"));
  EXPECT_FALSE(ParseFunctionName("arn:aws:lambda:us-east-1:000000000000:layer:x"));
  EXPECT_FALSE(ParseFunctionName("arn:aws:lambda:us-east-1:123:function:fn"));
  EXPECT_FALSE(ParseFunctionName("arn:aws:sqs:us-east-1:000000000000:function:fn"));
  EXPECT_FALSE(ParseFunctionName("arn:aws:lambda:us-east-1:000000000000:function:fn:a:b"));
}

TEST(Names, FunctionAliasAndVersion) {
  EXPECT_TRUE(ValidFunctionName("abc-DEF_123"));
  EXPECT_FALSE(ValidFunctionName(std::string(65, 'a')));
  EXPECT_FALSE(ValidFunctionName("a.b"));
  EXPECT_TRUE(ValidAliasName("live"));
  EXPECT_TRUE(ValidAliasName("v1"));
  EXPECT_FALSE(ValidAliasName("12"));
  EXPECT_TRUE(IsVersionNumber("12"));
  EXPECT_FALSE(IsVersionNumber("$LATEST"));
}

TEST(Arns, BuildAndParseLayers) {
  EXPECT_EQ(FunctionArn("us-east-1", "000000000000", "fn"),
            "arn:aws:lambda:us-east-1:000000000000:function:fn");
  EXPECT_EQ(QualifiedArn("us-east-1", "000000000000", "fn", "live"),
            "arn:aws:lambda:us-east-1:000000000000:function:fn:live");
  EXPECT_EQ(LayerVersionArn("us-east-1", "000000000000", "deps", 3),
            "arn:aws:lambda:us-east-1:000000000000:layer:deps:3");
  auto l = ParseLayerArn("arn:aws:lambda:us-east-1:000000000000:layer:deps:3");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->name, "deps");
  EXPECT_EQ(l->version, 3);
  l = ParseLayerArn("arn:aws:lambda:us-east-1:000000000000:layer:deps");
  ASSERT_TRUE(l);
  EXPECT_FALSE(l->version);
  EXPECT_FALSE(ParseLayerArn("arn:aws:lambda:us-east-1:000000000000:function:deps:3"));
}

TEST(Arns, RoleArn) {
  EXPECT_TRUE(ValidRoleArn("arn:aws:iam::000000000000:role/lambda-role"));
  EXPECT_TRUE(ValidRoleArn("arn:aws:iam::123456789012:role/service-role/my.role@x"));
  EXPECT_FALSE(ValidRoleArn("arn:aws:iam::000000000000:user/bob"));
  EXPECT_FALSE(ValidRoleArn("arn:aws:iam::0000:role/r"));
  EXPECT_FALSE(ValidRoleArn("role"));
  EXPECT_FALSE(ValidRoleArn("arn:aws:iam:us-east-1:000000000000:role/r"));
}

}  // namespace
}  // namespace nimbus::lambda
