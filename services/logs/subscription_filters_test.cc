#include "services/logs/subscription_filters.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "services/common/base64.h"
#include "services/logs/gzip.h"

namespace nimbus::logs {
namespace {

TEST(SubscriptionPayload, GzipRoundTrips) {
  std::string text(5000, 'x');
  text += "tail";
  std::string gz = Gzip(text);
  ASSERT_GE(gz.size(), 10u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_LT(gz.size(), text.size());
  EXPECT_EQ(Gunzip(gz), text);
  EXPECT_EQ(Gunzip("not gzip"), "");
}

TEST(SubscriptionPayload, LambdaEventCarriesTheDataMessage) {
  std::vector<DeliveredEvent> events = {{7, 1700000000123, "ERROR one \"quoted\""},
                                        {8, 1700000000124, "ERROR two\n"}};
  std::string json = SubscriptionMessageJson("123456789012", "/app/web", "s1", {"errors"}, events);
  std::string payload = SubscriptionLambdaPayload(json);

  rapidjson::Document outer;
  outer.Parse(payload.c_str());
  ASSERT_TRUE(outer.IsObject());
  ASSERT_TRUE(outer["awslogs"]["data"].IsString());
  auto gz = Base64Decode(outer["awslogs"]["data"].GetString());
  ASSERT_TRUE(gz.has_value());
  rapidjson::Document d;
  d.Parse(Gunzip(*gz).c_str());
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["messageType"].GetString(), "DATA_MESSAGE");
  EXPECT_STREQ(d["owner"].GetString(), "123456789012");
  EXPECT_STREQ(d["logGroup"].GetString(), "/app/web");
  EXPECT_STREQ(d["logStream"].GetString(), "s1");
  ASSERT_EQ(d["subscriptionFilters"].Size(), 1u);
  EXPECT_STREQ(d["subscriptionFilters"][0].GetString(), "errors");
  ASSERT_EQ(d["logEvents"].Size(), 2u);
  const auto& e0 = d["logEvents"][0];
  EXPECT_EQ(std::string(e0["id"].GetString()).size(), 56u);
  EXPECT_EQ(std::string(e0["id"].GetString()), SubscriptionEventId(1700000000123, 7));
  EXPECT_EQ(e0["timestamp"].GetInt64(), 1700000000123);
  EXPECT_STREQ(e0["message"].GetString(), "ERROR one \"quoted\"");
  EXPECT_STREQ(d["logEvents"][1]["message"].GetString(), "ERROR two\n");
}

TEST(SubscriptionPayload, EventIdsSortLikeTimeThenIngestion) {
  EXPECT_LT(SubscriptionEventId(1, 99), SubscriptionEventId(2, 1));
  EXPECT_LT(SubscriptionEventId(5, 1), SubscriptionEventId(5, 2));
  EXPECT_EQ(SubscriptionEventId(0, 0), std::string(56, '0'));
}

}  // namespace
}  // namespace nimbus::logs
