#include "services/sns/sns_service.h"

#include <boost/asio/strand.hpp>
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/testing/service_test_base.h"

namespace nimbus::sns {
namespace {

// Records the in-process calls SNS makes (SQS SendMessageBatch, Lambda Invoke).
class RecordingClient final : public ServiceClient {
 public:
  struct CallRecord {
    std::string service;
    std::string operation;
    Scope scope;
    std::string params;
  };
  std::vector<CallRecord> calls;
  bool fail = false;

  boost::asio::awaitable<Result<rapidjson::Document>> Call(std::string_view service,
                                                           std::string_view operation,
                                                           const Scope& scope,
                                                           rapidjson::Document params) override {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    params.Accept(w);
    calls.push_back({std::string(service), std::string(operation), scope, sb.GetString()});
    if (fail) {
      co_return AwsError::Sender("QueueDoesNotExist", "The specified queue does not exist.");
    }
    rapidjson::Document out(rapidjson::kObjectType);
    co_return out;
  }
};

class SnsServiceTest : public testing::ServiceTestBase {
 protected:
  void SetUp() override {
    service_ = std::make_unique<SnsService>();
    service_->Register(table_);
    ServiceEnv env;
    env.strand = boost::asio::make_strand(ioc_);
    env.clock = &clock_;
    env.client = &client_;
    env.open_database = [](std::string_view) { return storage::Database::Open(":memory:"); };
    service_->Start(env);
  }
  void TearDown() override { service_->Stop(); }

  std::string CreateTopic(const std::string& name, const std::string& attrs = "{}") {
    auto out = Ok("CreateTopic", R"({"Name":")" + name + R"(","Attributes":)" + attrs + "}");
    return out.HasMember("TopicArn") ? out["TopicArn"].GetString() : "";
  }
  std::string Subscribe(const std::string& topic, const std::string& protocol,
                        const std::string& endpoint, const std::string& attrs = "{}") {
    auto out = Ok("Subscribe", R"({"TopicArn":")" + topic + R"(","Protocol":")" + protocol +
                                   R"(","Endpoint":")" + endpoint + R"(","Attributes":)" + attrs +
                                   "}");
    return out.HasMember("SubscriptionArn") ? out["SubscriptionArn"].GetString() : "";
  }
  void Drain() {
    ioc_.restart();
    ioc_.run();
  }

  RecordingClient client_;
  std::unique_ptr<SnsService> service_;
};

TEST_F(SnsServiceTest, TopicsAreIdempotentAndListed) {
  std::string arn = CreateTopic("orders");
  EXPECT_EQ(arn, "arn:aws:sns:us-east-1:000000000000:orders");
  EXPECT_EQ(CreateTopic("orders"), arn);
  EXPECT_EQ(ErrorCode("CreateTopic", R"({"Name":"bad name"})"), "InvalidParameter");
  EXPECT_EQ(ErrorCode("CreateTopic", R"({"Name":"x.fifo"})"), "InvalidParameter");
  EXPECT_EQ(CreateTopic("x.fifo", R"({"FifoTopic":"true"})"),
            "arn:aws:sns:us-east-1:000000000000:x.fifo");
  auto list = Ok("ListTopics", "{}");
  EXPECT_EQ(list["Topics"].Size(), 2u);
  auto attrs = Ok("GetTopicAttributes", R"({"TopicArn":")" + arn + R"("})");
  EXPECT_STREQ(attrs["Attributes"]["SubscriptionsConfirmed"].GetString(), "0");
  EXPECT_EQ(ErrorCode("GetTopicAttributes",
                      R"({"TopicArn":"arn:aws:sns:us-east-1:000000000000:nope"})"),
            "NotFound");
  Ok("DeleteTopic", R"({"TopicArn":")" + arn + R"("})");
  EXPECT_EQ(Ok("ListTopics", "{}")["Topics"].Size(), 1u);
}

TEST_F(SnsServiceTest, ListTopicsPaginatesByHundreds) {
  for (int i = 0; i < 105; ++i) {
    CreateTopic(std::string("t").append(std::to_string(i)));
  }
  auto first = Ok("ListTopics", "{}");
  ASSERT_EQ(first["Topics"].Size(), 100u);
  std::string token = first["NextToken"].GetString();
  auto second = Ok("ListTopics", R"({"NextToken":")" + token + R"("})");
  EXPECT_EQ(second["Topics"].Size(), 5u);
  EXPECT_FALSE(second.HasMember("NextToken"));
}

TEST_F(SnsServiceTest, PublishFansOutToSqsWithFilter) {
  std::string topic = CreateTopic("t");
  Subscribe(topic, "sqs", "arn:aws:sqs:us-east-1:000000000000:all");
  Subscribe(topic, "sqs", "arn:aws:sqs:us-east-1:000000000000:red",
            R"({"FilterPolicy":"{\"color\":[\"red\"]}","RawMessageDelivery":"true"})");
  auto r = Call("Publish",
                R"({"TopicArn":")" + topic +
                    R"(","Message":"m1","MessageAttributes":{"color":{"DataType":"String","StringValue":"blue"}}})");
  ASSERT_TRUE(r.has_value());
  r = Call("Publish",
           R"({"TopicArn":")" + topic +
               R"(","Message":"m2","MessageAttributes":{"color":{"DataType":"String","StringValue":"red"}}})");
  ASSERT_TRUE(r.has_value());
  Drain();
  int to_all = 0;
  int to_red = 0;
  for (const auto& c : client_.calls) {
    EXPECT_EQ(c.operation, "SendMessageBatch");
    if (c.params.find("/all\"") != std::string::npos) {
      to_all += static_cast<int>(std::count(c.params.begin(), c.params.end(), '{')) > 0;
      EXPECT_NE(c.params.find("\\\"Type\\\" : \\\"Notification\\\""), std::string::npos);
    } else {
      ++to_red;
      EXPECT_NE(c.params.find("\"MessageBody\":\"m2\""), std::string::npos) << c.params;
      EXPECT_NE(c.params.find("\"StringValue\":\"red\""), std::string::npos) << c.params;
    }
  }
  EXPECT_GE(to_all, 1);
  EXPECT_EQ(to_red, 1);
  EXPECT_EQ(service_->stats().delivered, 3);
}

TEST_F(SnsServiceTest, FailedDeliveryGoesToDeadLetterQueue) {
  std::string topic = CreateTopic("t");
  Subscribe(topic, "lambda", "arn:aws:lambda:us-east-1:000000000000:function:f",
            R"({"RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\"}"})");
  client_.fail = true;
  ASSERT_TRUE(Call("Publish", R"({"TopicArn":")" + topic + R"(","Message":"x"})").has_value());
  Drain();
  ASSERT_EQ(client_.calls.size(), 2u);
  EXPECT_EQ(client_.calls[0].operation, "Invoke");
  EXPECT_EQ(client_.calls[1].operation, "SendMessage");
  EXPECT_NE(client_.calls[1].params.find("/dlq"), std::string::npos);
  EXPECT_EQ(service_->stats().dead_lettered, 1);
}

TEST_F(SnsServiceTest, FifoTopicsDeduplicateAndSequence) {
  std::string topic = CreateTopic("f.fifo", R"({"FifoTopic":"true"})");
  Subscribe(topic, "sqs", "arn:aws:sqs:us-east-1:000000000000:q.fifo");
  EXPECT_EQ(ErrorCode("Publish", R"({"TopicArn":")" + topic + R"(","Message":"x"})"),
            "InvalidParameter");
  auto a = Ok("Publish", R"({"TopicArn":")" + topic +
                             R"(","Message":"x","MessageGroupId":"g","MessageDeduplicationId":"d"})");
  auto b = Ok("Publish", R"({"TopicArn":")" + topic +
                             R"(","Message":"x","MessageGroupId":"g","MessageDeduplicationId":"d"})");
  EXPECT_STREQ(a["MessageId"].GetString(), b["MessageId"].GetString());
  EXPECT_EQ(std::string(a["SequenceNumber"].GetString()).size(), 20u);
  Drain();
  ASSERT_EQ(client_.calls.size(), 1u);
  EXPECT_NE(client_.calls[0].params.find("\"MessageGroupId\":\"g\""), std::string::npos);
}

TEST_F(SnsServiceTest, FifoTopicsTakeSqsSubscriptionsOnly) {
  std::string fifo = CreateTopic("f.fifo", R"({"FifoTopic":"true"})");
  for (const char* p : {"lambda", "http", "https", "email", "sms", "application"}) {
    auto r = Call("Subscribe", R"({"TopicArn":")" + fifo + R"(","Protocol":")" + p +
                                   R"(","Endpoint":"x"})");
    ASSERT_FALSE(r) << p;
    EXPECT_EQ(r.error().code, "InvalidParameter");
    EXPECT_EQ(r.error().message, std::string("Invalid parameter: Invalid protocol type: ") + p);
  }
  Subscribe(fifo, "sqs", "arn:aws:sqs:us-east-1:000000000000:standard");
  auto r = Call("Subscribe", R"({"TopicArn":")" + CreateTopic("std") +
                                 R"(","Protocol":"sqs","Endpoint":"arn:aws:sqs:us-east-1:000000000000:q.fifo"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard "
            "SNS topics");
}

TEST_F(SnsServiceTest, SubscriptionAttributesAndErrors) {
  std::string topic = CreateTopic("t");
  std::string sub = Subscribe(topic, "sqs", "arn:aws:sqs:us-east-1:000000000000:q");
  EXPECT_EQ(Subscribe(topic, "sqs", "arn:aws:sqs:us-east-1:000000000000:q"), sub);
  EXPECT_EQ(ErrorCode("Subscribe", R"({"TopicArn":")" + topic +
                                       R"(","Protocol":"carrier-pigeon","Endpoint":"x"})"),
            "InvalidParameter");
  EXPECT_EQ(ErrorCode("SetSubscriptionAttributes",
                      R"({"SubscriptionArn":")" + sub +
                          R"(","AttributeName":"FilterPolicy","AttributeValue":"{\"a\":[]}"})"),
            "InvalidParameter");
  Ok("SetSubscriptionAttributes", R"({"SubscriptionArn":")" + sub +
                                      R"(","AttributeName":"RawMessageDelivery","AttributeValue":"True"})");
  auto attrs = Ok("GetSubscriptionAttributes", R"({"SubscriptionArn":")" + sub + R"("})");
  EXPECT_STREQ(attrs["Attributes"]["RawMessageDelivery"].GetString(), "true");
  EXPECT_STREQ(attrs["Attributes"]["PendingConfirmation"].GetString(), "false");
  Ok("Unsubscribe", R"({"SubscriptionArn":")" + sub + R"("})");
  EXPECT_EQ(ErrorCode("GetSubscriptionAttributes", R"({"SubscriptionArn":")" + sub + R"("})"),
            "NotFound");
}

}  // namespace
}  // namespace nimbus::sns
