#include "services/lambda/async_invoker.h"

#include <gtest/gtest.h>

namespace nimbus::lambda {
namespace {

using namespace std::chrono_literals;

RetryPolicy Policy(int64_t retries = 2, int64_t max_age_s = 21600) {
  RetryPolicy p;
  p.maximum_retry_attempts = retries;
  p.maximum_event_age_ms = max_age_s * 1000;
  p.retry_base = 1000ms;
  return p;
}

TEST(AsyncRetry, TwoRetriesWithDoublingBackoffThenExhausted) {
  auto first = AfterFailure(Policy(), 1, 0);
  EXPECT_TRUE(first.retry);
  EXPECT_EQ(first.delay, 1000ms);
  auto second = AfterFailure(Policy(), 2, 1000);
  EXPECT_TRUE(second.retry);
  EXPECT_EQ(second.delay, 2000ms);
  auto third = AfterFailure(Policy(), 3, 3000);
  EXPECT_FALSE(third.retry);
  EXPECT_EQ(third.condition, AsyncCondition::kRetriesExhausted);
}

TEST(AsyncRetry, ZeroRetriesFailsAtOnce) {
  auto d = AfterFailure(Policy(0), 1, 0);
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.condition, AsyncCondition::kRetriesExhausted);
  EXPECT_TRUE(AfterFailure(Policy(1), 1, 0).retry);
  EXPECT_FALSE(AfterFailure(Policy(1), 2, 0).retry);
}

TEST(AsyncRetry, RetryPastTheMaximumAgeIsEventAgeExceeded) {
  auto d = AfterFailure(Policy(2, 60), 1, 59500);
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.condition, AsyncCondition::kEventAgeExceeded);
  EXPECT_TRUE(AfterFailure(Policy(2, 60), 1, 58000).retry);
  EXPECT_FALSE(EventTooOld(Policy(2, 60), 60000));
  EXPECT_TRUE(EventTooOld(Policy(2, 60), 60001));
}

TEST(DestinationRecord, FailureRecordHasAwsShape) {
  DestinationInput in;
  in.condition = AsyncCondition::kRetriesExhausted;
  in.request_id = "req-1";
  in.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST";
  in.approximate_invoke_count = 3;
  in.request_payload = R"({"order":7})";
  in.invoked = true;
  in.executed_version = "$LATEST";
  in.function_error = "Unhandled";
  in.response_payload = R"({"errorMessage":"boom","errorType":"RuntimeError"})";
  in.timestamp_ms = 1573755365568;
  rapidjson::Document d;
  std::string text = DestinationRecord(in);
  d.Parse(text.c_str());
  ASSERT_FALSE(d.HasParseError()) << text;
  EXPECT_STREQ(d["version"].GetString(), "1.0");
  EXPECT_STREQ(d["timestamp"].GetString(), "2019-11-14T18:16:05.568Z");
  EXPECT_STREQ(d["requestContext"]["requestId"].GetString(), "req-1");
  EXPECT_STREQ(d["requestContext"]["functionArn"].GetString(), in.function_arn.c_str());
  EXPECT_STREQ(d["requestContext"]["condition"].GetString(), "RetriesExhausted");
  EXPECT_EQ(d["requestContext"]["approximateInvokeCount"].GetInt(), 3);
  EXPECT_EQ(d["requestPayload"]["order"].GetInt(), 7);
  EXPECT_EQ(d["responseContext"]["statusCode"].GetInt(), 200);
  EXPECT_STREQ(d["responseContext"]["executedVersion"].GetString(), "$LATEST");
  EXPECT_STREQ(d["responseContext"]["functionError"].GetString(), "Unhandled");
  EXPECT_STREQ(d["responsePayload"]["errorMessage"].GetString(), "boom");
}

TEST(DestinationRecord, SuccessHasNoFunctionErrorAndExpiredHasNoResponse) {
  DestinationInput ok;
  ok.condition = AsyncCondition::kSuccess;
  ok.invoked = true;
  ok.approximate_invoke_count = 1;
  ok.request_payload = "{}";
  ok.executed_version = "3";
  ok.response_payload = "not json";
  rapidjson::Document d;
  d.Parse(DestinationRecord(ok).c_str());
  EXPECT_STREQ(d["requestContext"]["condition"].GetString(), "Success");
  EXPECT_FALSE(d["responseContext"].HasMember("functionError"));
  EXPECT_STREQ(d["responsePayload"].GetString(), "not json");

  DestinationInput expired;
  expired.condition = AsyncCondition::kEventAgeExceeded;
  expired.request_payload = "{}";
  rapidjson::Document e;
  e.Parse(DestinationRecord(expired).c_str());
  EXPECT_STREQ(e["requestContext"]["condition"].GetString(), "EventAgeExceeded");
  EXPECT_EQ(e["requestContext"]["approximateInvokeCount"].GetInt(), 0);
  EXPECT_FALSE(e.HasMember("responseContext"));
  EXPECT_FALSE(e.HasMember("responsePayload"));
}

TEST(DeadLetter, AttributesAndErrorMessage) {
  rapidjson::Document d;
  auto attrs = DeadLetterAttributes("req-9", 200, std::string(3000, 'x'), d.GetAllocator());
  EXPECT_STREQ(attrs["RequestID"]["DataType"].GetString(), "String");
  EXPECT_STREQ(attrs["RequestID"]["StringValue"].GetString(), "req-9");
  EXPECT_STREQ(attrs["ErrorCode"]["DataType"].GetString(), "Number");
  EXPECT_STREQ(attrs["ErrorCode"]["StringValue"].GetString(), "200");
  EXPECT_EQ(attrs["ErrorMessage"]["StringValue"].GetStringLength(), 1024u);
  EXPECT_EQ(ErrorMessageOf(R"({"errorMessage":"boom","errorType":"E"})"), "boom");
  EXPECT_EQ(ErrorMessageOf("plain"), "plain");
}

TEST(Arn, ServiceOfAnArn) {
  EXPECT_EQ(ArnService("arn:aws:sqs:us-east-1:000000000000:q"), "sqs");
  EXPECT_EQ(ArnService("arn:aws:lambda:us-east-1:000000000000:function:f"), "lambda");
  EXPECT_EQ(ArnService("sqs"), "");
}

}  // namespace
}  // namespace nimbus::lambda
