#include "services/lambda/sqs_event.h"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace nimbus::lambda {
namespace {

constexpr char kQueueArn[] = "arn:aws:sqs:eu-west-1:000000000000:jobs.fifo";

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

std::string Keys(const rapidjson::Value& o) {
  std::string out;
  for (auto m = o.MemberBegin(); m != o.MemberEnd(); ++m) {
    if (!out.empty()) {
      out += ',';
    }
    out += m->name.GetString();
  }
  return out;
}

TEST(SqsEventRecord, HasAwsShapeWithLowerCamelKeys) {
  // A message as ReceiveMessage returns it internally: BinaryValue holds raw bytes.
  auto message = Parse(R"({
    "MessageId":"m-1","ReceiptHandle":"rh-1","MD5OfBody":"5d41402abc4b2a76b9719d911017c592",
    "Body":"hello","MD5OfMessageAttributes":"abc",
    "Attributes":{"SenderId":"000000000000","SentTimestamp":"1700000000000",
                  "ApproximateReceiveCount":"2","ApproximateFirstReceiveTimestamp":"1700000000005",
                  "MessageGroupId":"g1","MessageDeduplicationId":"d1",
                  "SequenceNumber":"18800000000000000001","DeadLetterQueueSourceArn":"x"},
    "MessageAttributes":{"s":{"DataType":"String","StringValue":"v"},
                         "b":{"DataType":"Binary","BinaryValue":"\u0001\u0002"},
                         "n":{"DataType":"Number.int","StringValue":"7"}}})");
  rapidjson::Document doc;
  auto record = SqsEventRecord(message, kQueueArn, "eu-west-1", doc.GetAllocator());
  EXPECT_EQ(Keys(record),
            "messageId,receiptHandle,body,attributes,messageAttributes,md5OfBody,"
            "md5OfMessageAttributes,eventSource,eventSourceARN,awsRegion");
  EXPECT_STREQ(record["messageId"].GetString(), "m-1");
  EXPECT_STREQ(record["receiptHandle"].GetString(), "rh-1");
  EXPECT_STREQ(record["body"].GetString(), "hello");
  EXPECT_STREQ(record["md5OfBody"].GetString(), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_STREQ(record["md5OfMessageAttributes"].GetString(), "abc");
  EXPECT_STREQ(record["eventSource"].GetString(), "aws:sqs");
  EXPECT_STREQ(record["eventSourceARN"].GetString(), kQueueArn);
  EXPECT_STREQ(record["awsRegion"].GetString(), "eu-west-1");
  const auto& attrs = record["attributes"];
  EXPECT_EQ(Keys(attrs),
            "ApproximateReceiveCount,SentTimestamp,SequenceNumber,MessageGroupId,SenderId,"
            "MessageDeduplicationId,ApproximateFirstReceiveTimestamp");
  EXPECT_STREQ(attrs["ApproximateReceiveCount"].GetString(), "2");
  EXPECT_STREQ(attrs["MessageGroupId"].GetString(), "g1");
  const auto& ma = record["messageAttributes"];
  EXPECT_EQ(Keys(ma["s"]), "stringValue,stringListValues,binaryListValues,dataType");
  EXPECT_STREQ(ma["s"]["stringValue"].GetString(), "v");
  EXPECT_STREQ(ma["s"]["dataType"].GetString(), "String");
  EXPECT_TRUE(ma["s"]["stringListValues"].IsArray());
  EXPECT_EQ(Keys(ma["b"]), "binaryValue,stringListValues,binaryListValues,dataType");
  EXPECT_STREQ(ma["b"]["binaryValue"].GetString(), "AQI=");
  EXPECT_STREQ(ma["n"]["dataType"].GetString(), "Number.int");
}

TEST(SqsEventRecord, NoAttributesMeansEmptyObjectsAndNoAttributeMd5) {
  auto message = Parse(R"({"MessageId":"m","ReceiptHandle":"r","MD5OfBody":"x","Body":"{}"})");
  rapidjson::Document doc;
  auto record = SqsEventRecord(message, "arn:aws:sqs:us-east-1:1:q", "us-east-1",
                               doc.GetAllocator());
  EXPECT_TRUE(record["attributes"].IsObject());
  EXPECT_TRUE(record["messageAttributes"].IsObject());
  EXPECT_EQ(record["messageAttributes"].MemberCount(), 0u);
  EXPECT_FALSE(record.HasMember("md5OfMessageAttributes"));
}

std::vector<std::string> Ids() { return {"a", "b", "c"}; }

TEST(BatchItemFailures, SuccessForms) {
  for (const char* ok : {"", "null", "{}", R"({"batchItemFailures":[]})",
                         R"({"batchItemFailures":null})", R"({"other":1})"}) {
    auto f = ParseBatchItemFailures(ok, Ids());
    EXPECT_FALSE(f.whole_batch) << ok;
    EXPECT_TRUE(f.failed.empty()) << ok;
  }
}

TEST(BatchItemFailures, ListedIdsFail) {
  auto f = ParseBatchItemFailures(
      R"({"batchItemFailures":[{"itemIdentifier":"b"},{"itemIdentifier":"c"}]})", Ids());
  EXPECT_FALSE(f.whole_batch);
  EXPECT_EQ(f.failed, (std::set<std::string>{"b", "c"}));
}

TEST(BatchItemFailures, MalformedAnswersFailTheWholeBatch) {
  for (const char* bad : {
           "not json", "\"done\"", "[1]", R"({"batchItemFailures":"a"})",
           R"({"batchItemFailures":[{"itemIdentifier":"zzz"}]})",
           R"({"batchItemFailures":[{"itemIdentifier":""}]})",
           R"({"batchItemFailures":[{"itemIdentifier":null}]})",
           R"({"batchItemFailures":[{"id":"a"}]})",
           R"({"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"nope"}]})",
       }) {
    auto f = ParseBatchItemFailures(bad, Ids());
    EXPECT_TRUE(f.whole_batch) << bad;
    EXPECT_TRUE(f.failed.empty()) << bad;
  }
}

}  // namespace
}  // namespace nimbus::lambda
