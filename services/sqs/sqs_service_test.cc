#include "services/sqs/sqs_service.h"

#include <gtest/gtest.h>

#include "services/common/testing/service_test_base.h"
#include "services/sqs/sqs_md5.h"

namespace nimbus::sqs {
namespace {

using namespace std::chrono_literals;

class SqsServiceTest : public testing::ServiceTestBase {
 protected:
  SqsServiceTest() : sqs_(QueueUrlConfig{EndpointStrategy::kOff, "localhost:4566"}) {
    StartService(sqs_);
  }

  std::string CreateQueue(const std::string& name, const std::string& attributes = "{}") {
    auto out = Ok("CreateQueue", R"({"QueueName":")" + name + R"(","Attributes":)" + attributes + "}");
    return out["QueueUrl"].GetString();
  }
  void Send(const std::string& url, const std::string& body, const std::string& extra = "") {
    Ok("SendMessage", R"({"QueueUrl":")" + url + R"(","MessageBody":")" + body + "\"" + extra + "}");
  }
  rapidjson::Document Receive(const std::string& url, int max = 10) {
    return Ok("ReceiveMessage", R"({"QueueUrl":")" + url + R"(","MaxNumberOfMessages":)" +
                                    std::to_string(max) + R"(,"AttributeNames":["All"]})");
  }
  static size_t Count(const rapidjson::Document& out) {
    return out.HasMember("Messages") ? out["Messages"].Size() : 0;
  }

  SqsService sqs_;
};

TEST_F(SqsServiceTest, QueueUrlUsesTheConfiguredHost) {
  EXPECT_EQ(CreateQueue("orders"), "http://localhost:4566/000000000000/orders");
}

TEST_F(SqsServiceTest, MessagesExpireAfterTheRetentionPeriod) {
  auto url = CreateQueue("short", R"({"MessageRetentionPeriod":"60"})");
  Send(url, "old");
  clock_.Advance(61s);
  Send(url, "new");
  auto out = Receive(url);
  ASSERT_EQ(Count(out), 1u);
  EXPECT_STREQ(out["Messages"][0]["Body"].GetString(), "new");
}

TEST_F(SqsServiceTest, VisibilityTimeoutReturnsMessageAndOldHandleNoLongerDeletes) {
  auto url = CreateQueue("vis", R"({"VisibilityTimeout":"10"})");
  Send(url, "m");
  auto first = Receive(url);
  ASSERT_EQ(Count(first), 1u);
  std::string old_handle = first["Messages"][0]["ReceiptHandle"].GetString();
  EXPECT_EQ(Count(Receive(url)), 0u);  // in flight
  clock_.Advance(11s);
  auto second = Receive(url);
  ASSERT_EQ(Count(second), 1u);
  EXPECT_STREQ(second["Messages"][0]["Attributes"]["ApproximateReceiveCount"].GetString(), "2");
  // AWS: deleting with the older handle succeeds but leaves the message.
  Ok("DeleteMessage", R"({"QueueUrl":")" + url + R"(","ReceiptHandle":")" + old_handle + "\"}");
  clock_.Advance(11s);
  auto third = Receive(url);
  ASSERT_EQ(Count(third), 1u);
  Ok("DeleteMessage", R"({"QueueUrl":")" + url + R"(","ReceiptHandle":")" +
                          third["Messages"][0]["ReceiptHandle"].GetString() + "\"}");
  clock_.Advance(11s);
  EXPECT_EQ(Count(Receive(url)), 0u);
}

TEST_F(SqsServiceTest, DelayedMessagesAppearWhenTheirDelayEnds) {
  auto url = CreateQueue("delayed");
  Send(url, "later", R"(,"DelaySeconds":5)");
  EXPECT_EQ(Count(Receive(url)), 0u);
  auto attrs = Ok("GetQueueAttributes", R"({"QueueUrl":")" + url + R"(","AttributeNames":["All"]})");
  EXPECT_STREQ(attrs["Attributes"]["ApproximateNumberOfMessagesDelayed"].GetString(), "1");
  clock_.Advance(5s);
  EXPECT_EQ(Count(Receive(url)), 1u);
}

TEST_F(SqsServiceTest, RedrivesToTheDeadLetterQueueAfterMaxReceiveCount) {
  auto dlq = CreateQueue("dlq");
  auto src = CreateQueue("src", R"({"VisibilityTimeout":"1","RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq\",\"maxReceiveCount\":\"2\"}"})");
  Send(src, "poison");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Count(Receive(src)), 1u);
    clock_.Advance(2s);
  }
  EXPECT_EQ(Count(Receive(src)), 0u);
  auto moved = Receive(dlq);
  ASSERT_EQ(Count(moved), 1u);
  EXPECT_STREQ(moved["Messages"][0]["Body"].GetString(), "poison");
  EXPECT_STREQ(moved["Messages"][0]["Attributes"]["DeadLetterQueueSourceArn"].GetString(),
               "arn:aws:sqs:us-east-1:000000000000:src");
  auto sources = Ok("ListDeadLetterSourceQueues", R"({"QueueUrl":")" + dlq + "\"}");
  ASSERT_EQ(sources["queueUrls"].Size(), 1u);
}

TEST_F(SqsServiceTest, FifoGroupIsBlockedWhileAMessageIsInFlight) {
  auto url = CreateQueue("jobs.fifo", R"({"FifoQueue":"true","ContentBasedDeduplication":"true"})");
  Send(url, "a1", R"(,"MessageGroupId":"a")");
  Send(url, "a2", R"(,"MessageGroupId":"a")");
  Send(url, "b1", R"(,"MessageGroupId":"b")");
  auto first = Receive(url, 1);
  ASSERT_EQ(Count(first), 1u);
  std::string body = first["Messages"][0]["Body"].GetString();
  auto second = Receive(url, 10);
  // Whichever group came first is now blocked; only the other group's message is deliverable.
  ASSERT_EQ(Count(second), 1u);
  std::string other = second["Messages"][0]["Body"].GetString();
  EXPECT_NE(body.substr(0, 1), other.substr(0, 1));
  EXPECT_EQ(Count(Receive(url, 10)), 0u);
  // Deleting a1 releases a2, in order.
  const auto& a1 = body == "a1" ? first : second;
  Ok("DeleteMessage", R"({"QueueUrl":")" + url + R"(","ReceiptHandle":")" +
                          a1["Messages"][0]["ReceiptHandle"].GetString() + "\"}");
  auto third = Receive(url, 10);
  ASSERT_EQ(Count(third), 1u);
  EXPECT_STREQ(third["Messages"][0]["Body"].GetString(), "a2");
}

TEST_F(SqsServiceTest, FifoDeduplicatesForFiveMinutes) {
  auto url = CreateQueue("dedup.fifo", R"({"FifoQueue":"true"})");
  auto send = [&] {
    return Ok("SendMessage", R"({"QueueUrl":")" + url +
                                 R"(","MessageBody":"x","MessageGroupId":"g","MessageDeduplicationId":"d1"})");
  };
  auto a = send();
  auto b = send();
  EXPECT_STREQ(a["MessageId"].GetString(), b["MessageId"].GetString());
  clock_.Advance(301s);
  auto c = send();
  EXPECT_STRNE(a["MessageId"].GetString(), c["MessageId"].GetString());
  EXPECT_EQ(Count(Receive(url)), 2u);
}

TEST_F(SqsServiceTest, ValidationErrors) {
  auto url = CreateQueue("v");
  EXPECT_EQ(ErrorCode("CreateQueue", R"({"QueueName":"bad name"})"), "InvalidParameterValue");
  EXPECT_EQ(ErrorCode("CreateQueue", R"({"QueueName":"x","Attributes":{"VisibilityTimeout":"99999"}})"),
            "InvalidAttributeValue");
  EXPECT_EQ(ErrorCode("CreateQueue", R"({"QueueName":"x","Attributes":{"Bogus":"1"}})"),
            "InvalidAttributeName");
  EXPECT_EQ(ErrorCode("CreateQueue", R"({"QueueName":"v","Attributes":{"VisibilityTimeout":"5"}})"),
            "QueueNameExists");
  EXPECT_EQ(ErrorCode("SendMessage", R"({"QueueUrl":"http://h/000000000000/none","MessageBody":"x"})"),
            "QueueDoesNotExist");
  EXPECT_EQ(ErrorCode("SendMessage", R"({"QueueUrl":")" + url + R"(","MessageBody":"\u0000"})"),
            "InvalidMessageContents");
  EXPECT_EQ(ErrorCode("DeleteMessage", R"({"QueueUrl":")" + url + R"(","ReceiptHandle":"garbage"})"),
            "ReceiptHandleIsInvalid");
  EXPECT_EQ(ErrorCode("SendMessageBatch", R"({"QueueUrl":")" + url + R"(","Entries":[]})"),
            "EmptyBatchRequest");
  EXPECT_EQ(ErrorCode("SendMessageBatch", R"({"QueueUrl":")" + url +
                                              R"(","Entries":[{"Id":"a","MessageBody":"x"},{"Id":"a","MessageBody":"y"}]})"),
            "BatchEntryIdsNotDistinct");
  EXPECT_EQ(ErrorCode("ReceiveMessage", R"({"QueueUrl":")" + url + R"(","MaxNumberOfMessages":11})"),
            "InvalidParameterValue");
  Ok("PurgeQueue", R"({"QueueUrl":")" + url + "\"}");
  EXPECT_EQ(ErrorCode("PurgeQueue", R"({"QueueUrl":")" + url + "\"}"), "PurgeQueueInProgress");
  Ok("DeleteQueue", R"({"QueueUrl":")" + url + "\"}");
  EXPECT_EQ(ErrorCode("CreateQueue", R"({"QueueName":"v"})"), "QueueDeletedRecently");
  clock_.Advance(61s);
  CreateQueue("v");
}

TEST(SqsMd5, MatchesAwsVectors) {
  EXPECT_EQ(Md5Hex("{}"), "99914b932bd37a50b983c5e7c90ae93b");
  EXPECT_EQ(Md5Hex(R"({"foo": "bar"})"), "94232c5b8fc9272f6f73a1e36eb68fcf");
  EXPECT_EQ(Md5OfAttributes({}), "");
}

}  // namespace
}  // namespace nimbus::sqs
