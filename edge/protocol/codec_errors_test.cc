// What each codec answers for unknown operations, malformed bodies, and modeled errors.
#include <gtest/gtest.h>

#include "edge/protocol/codec.h"

namespace nimbus::protocol {
namespace {

const ServiceSpec& Spec(const char* name) { return *SpecRegistry::Instance().Find(name); }

HttpRequest Json(std::string target, std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"x-amz-target", std::move(target)},
               {"content-type", "application/x-amz-json-1.0"}};
  r.body = std::move(body);
  return r;
}

HttpRequest Form(std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  r.body = std::move(body);
  return r;
}

TEST(QueryCodec, UnknownActionIsInvalidAction) {
  auto call = CodecFor(Protocol::kQuery).Decode(Form("Action=Nope&Version=2011-06-15"), Spec("sts"));
  ASSERT_FALSE(call.has_value());
  EXPECT_EQ(call.error().code, "InvalidAction");
  EXPECT_EQ(call.error().http_status, 400);
}

TEST(QueryCodec, BadEscapeIsMalformedQueryString) {
  auto call = CodecFor(Protocol::kQuery).Decode(Form("Action=GetCallerIdentity&x=%ZZ"), Spec("sts"));
  ASSERT_FALSE(call.has_value());
  EXPECT_EQ(call.error().code, "MalformedQueryString");
}

TEST(QueryCodec, EncodesResultWrapperAndRequestId) {
  const auto& sts = Spec("sts");
  rapidjson::Document out(rapidjson::kObjectType);
  out.AddMember("Account", "000000000000", out.GetAllocator());
  auto res = CodecFor(Protocol::kQuery)
                 .Encode(sts, *sts.FindOperation("GetCallerIdentity"), out, {"rid-1", false});
  EXPECT_EQ(res.status, 200u);
  EXPECT_NE(res.body.find("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
                          "2011-06-15/\"><GetCallerIdentityResult><Account>000000000000</Account>"),
            std::string::npos)
      << res.body;
  EXPECT_NE(res.body.find("<RequestId>rid-1</RequestId>"), std::string::npos);
}

TEST(QueryCodec, ListItemsAfterAnEmptyStructureStillCount) {
  // botocore numbers items from 1; an empty structure writes no key and leaves a gap.
  auto call = CodecFor(Protocol::kQuery)
                  .Decode(Form("Action=AssumeRole&Version=2011-06-15&RoleArn=r&RoleSessionName=s"
                               "&PolicyArns.member.2.arn=a2&PolicyArns.member.3.arn=a3"),
                          Spec("sts"));
  ASSERT_TRUE(call.has_value()) << call.error().message;
  const auto& arns = call->params["PolicyArns"];
  ASSERT_EQ(arns.Size(), 2u);
  EXPECT_STREQ(arns[0]["arn"].GetString(), "a2");
  EXPECT_STREQ(arns[1]["arn"].GetString(), "a3");
}

TEST(QueryCodec, MapEntryWithOnlyAKeyIsAnEmptyStructure) {
  auto call = CodecFor(Protocol::kQuery)
                  .Decode(Form("Action=Publish&Version=2010-03-31&Message=m"
                               "&MessageAttributes.entry.1.Name=k"),
                          Spec("sns"));
  ASSERT_TRUE(call.has_value()) << call.error().message;
  const auto& attrs = call->params["MessageAttributes"];
  ASSERT_TRUE(attrs.HasMember("k"));
  EXPECT_TRUE(attrs["k"].IsObject());
  EXPECT_EQ(attrs["k"].MemberCount(), 0u);
}

TEST(QueryCodec, SqsErrorsUseTheLegacyQueryCode) {
  auto res = CodecFor(Protocol::kQuery)
                 .EncodeError(Spec("sqs"), AwsError::Sender("QueueDoesNotExist", "gone"),
                              {"rid", false});
  EXPECT_EQ(res.status, 400u);
  EXPECT_NE(res.body.find("<Code>AWS.SimpleQueueService.NonExistentQueue</Code>"),
            std::string::npos);
  EXPECT_NE(res.body.find("<Type>Sender</Type>"), std::string::npos);
}

TEST(JsonCodec, SqsErrorsCarryQueryErrorHeader) {
  auto res = CodecFor(Protocol::kJson)
                 .EncodeError(Spec("sqs"), AwsError::Sender("QueueDoesNotExist", "gone"),
                              {"rid", false});
  EXPECT_EQ(res.status, 400u);
  bool found = false;
  for (const auto& [k, v] : res.headers) {
    if (k == "x-amzn-query-error") {
      found = true;
      EXPECT_EQ(v, "AWS.SimpleQueueService.NonExistentQueue;Sender");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_NE(res.body.find(R"("__type":"QueueDoesNotExist")"), std::string::npos);
}

TEST(JsonCodec, UnknownTargetAndMalformedBody) {
  auto unknown = CodecFor(Protocol::kJson).Decode(Json("AmazonSQS.Nope", "{}"), Spec("sqs"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, "UnknownOperationException");
  auto wrong_prefix = CodecFor(Protocol::kJson).Decode(Json("Other.ListQueues", "{}"), Spec("sqs"));
  ASSERT_FALSE(wrong_prefix.has_value());
  auto bad = CodecFor(Protocol::kJson).Decode(Json("AmazonSQS.ListQueues", "{"), Spec("sqs"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, "SerializationException");
  auto wrong_type =
      CodecFor(Protocol::kJson).Decode(Json("AmazonSQS.ListQueues", R"({"MaxResults":"x"})"),
                                       Spec("sqs"));
  ASSERT_FALSE(wrong_type.has_value());
  EXPECT_EQ(wrong_type.error().code, "SerializationException");
}

TEST(RestJsonCodec, UnknownRouteIs404AndBadBodyUsesServiceCode) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/2015-03-31/bogus";
  auto unknown = CodecFor(Protocol::kRestJson).Decode(r, Spec("lambda"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().http_status, 404);

  r.method = "POST";
  r.path = "/2015-03-31/functions";
  r.body = "{";
  auto bad = CodecFor(Protocol::kRestJson).Decode(r, Spec("lambda"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, "InvalidRequestContentException");
}

TEST(RestJsonCodec, PicksTheMostSpecificRoute) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/2015-03-31/functions/f1/configuration";
  auto call = CodecFor(Protocol::kRestJson).Decode(r, Spec("lambda"));
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->operation->name, "GetFunctionConfiguration");
  r.path = "/2015-03-31/functions/f1";
  call = CodecFor(Protocol::kRestJson).Decode(r, Spec("lambda"));
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->operation->name, "GetFunction");
}

TEST(RestJsonCodec, QueryMapLeavesTheTemplateLiteralsAlone) {
  // ImportRestApi is POST /restapis?mode=import; `parameters` takes the other query keys.
  HttpRequest r;
  r.method = "POST";
  r.path = "/restapis";
  r.query = "mode=import&failonwarnings=true&ignore=documentation";
  r.body = "{}";
  auto call = CodecFor(Protocol::kRestJson).Decode(r, Spec("apigateway"));
  ASSERT_TRUE(call.has_value()) << call.error().message;
  EXPECT_EQ(call->operation->name, "ImportRestApi");
  const auto& parameters = call->params["parameters"];
  EXPECT_FALSE(parameters.HasMember("mode"));
  EXPECT_FALSE(parameters.HasMember("failonwarnings"));
  EXPECT_STREQ(parameters["ignore"].GetString(), "documentation");
}

TEST(RestJsonCodec, ErrorsCarryErrorTypeHeader) {
  auto res = CodecFor(Protocol::kRestJson)
                 .EncodeError(Spec("lambda"),
                              AwsError::Sender("ResourceNotFoundException", "no such", 404),
                              {"rid", false});
  EXPECT_EQ(res.status, 404u);
  bool found = false;
  for (const auto& [k, v] : res.headers) {
    found = found || (k == "x-amzn-ErrorType" && v == "ResourceNotFoundException");
  }
  EXPECT_TRUE(found);
  EXPECT_NE(res.body.find(R"("Type":"User")"), std::string::npos);
}

}  // namespace
}  // namespace nimbus::protocol

namespace nimbus::protocol {
namespace {

TEST(QueryCodec, AcceptJsonRendersTheQueryDocumentAsJson) {
  const auto& sqs = *SpecRegistry::Instance().Find("sqs");
  rapidjson::Document out(rapidjson::kObjectType);
  out.AddMember("MessageId", "m-1", out.GetAllocator());
  auto res = CodecFor(Protocol::kQuery)
                 .Encode(sqs, *sqs.FindOperation("SendMessage"), out, {"rid-9", true});
  EXPECT_EQ(res.body,
            R"({"SendMessageResponse":{"SendMessageResult":{"MessageId":"m-1"},)"
            R"("ResponseMetadata":{"RequestId":"rid-9"}}})");
  auto err = CodecFor(Protocol::kQuery)
                 .EncodeError(sqs, AwsError::Sender("QueueDoesNotExist", "gone"), {"rid", true});
  EXPECT_NE(err.body.find(R"("Code":"AWS.SimpleQueueService.NonExistentQueue")"),
            std::string::npos);
}

}  // namespace
}  // namespace nimbus::protocol
