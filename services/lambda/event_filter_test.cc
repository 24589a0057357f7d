#include "services/lambda/event_filter.h"

#include <gtest/gtest.h>

#include "services/lambda/sqs_event.h"

namespace nimbus::lambda {
namespace {

bool Match(const std::string& pattern, const std::string& event) {
  auto f = EventFilter::Parse(pattern);
  EXPECT_TRUE(f.has_value()) << pattern;
  rapidjson::Document d;
  d.Parse(event.c_str());
  EXPECT_FALSE(d.HasParseError()) << event;
  return f && f->Matches(d);
}

TEST(EventFilter, ExactValuesAreTypedAndOred) {
  EXPECT_TRUE(Match(R"({"kind":["order","refund"]})", R"({"kind":"refund"})"));
  EXPECT_FALSE(Match(R"({"kind":["order"]})", R"({"kind":"Order"})"));
  EXPECT_TRUE(Match(R"({"n":[5]})", R"({"n":5.0})"));
  EXPECT_FALSE(Match(R"({"n":["5"]})", R"({"n":5})"));
  EXPECT_TRUE(Match(R"({"ok":[true]})", R"({"ok":true})"));
  EXPECT_TRUE(Match(R"({"v":[null]})", R"({"v":null})"));
  EXPECT_FALSE(Match(R"({"v":[null]})", R"({})"));
  EXPECT_TRUE(Match(R"({"v":[""]})", R"({"v":""})"));
}

TEST(EventFilter, MembersAreAndedAndNest) {
  std::string p = R"({"body":{"kind":["order"],"size":["big"]}})";
  EXPECT_TRUE(Match(p, R"({"body":{"kind":"order","size":"big","x":1}})"));
  EXPECT_FALSE(Match(p, R"({"body":{"kind":"order","size":"small"}})"));
  EXPECT_FALSE(Match(p, R"({"body":"order"})"));
  EXPECT_FALSE(Match(p, R"({})"));
}

TEST(EventFilter, PrefixSuffixAndIgnoreCase) {
  EXPECT_TRUE(Match(R"({"k":[{"prefix":"ord"}]})", R"({"k":"order-1"})"));
  EXPECT_FALSE(Match(R"({"k":[{"prefix":"ord"}]})", R"({"k":"xorder"})"));
  EXPECT_FALSE(Match(R"({"k":[{"prefix":"1"}]})", R"({"k":12})"));
  EXPECT_TRUE(Match(R"({"k":[{"suffix":".png"}]})", R"({"k":"a.png"})"));
  EXPECT_FALSE(Match(R"({"k":[{"suffix":".png"}]})", R"({"k":"png"})"));
  EXPECT_TRUE(Match(R"({"k":[{"equals-ignore-case":"HeLLo"}]})", R"({"k":"hello"})"));
  EXPECT_FALSE(Match(R"({"k":[{"equals-ignore-case":"hello"}]})", R"({"k":"hello!"})"));
}

TEST(EventFilter, AnythingBut) {
  EXPECT_TRUE(Match(R"({"k":[{"anything-but":"a"}]})", R"({"k":"b"})"));
  EXPECT_FALSE(Match(R"({"k":[{"anything-but":"a"}]})", R"({"k":"a"})"));
  EXPECT_FALSE(Match(R"({"k":[{"anything-but":"a"}]})", R"({})"));  // needs the field
  EXPECT_FALSE(Match(R"({"k":[{"anything-but":["a","b"]}]})", R"({"k":"b"})"));
  EXPECT_TRUE(Match(R"({"k":[{"anything-but":[1,2]}]})", R"({"k":3})"));
  EXPECT_FALSE(Match(R"({"k":[{"anything-but":[1,2]}]})", R"({"k":2})"));
  EXPECT_TRUE(Match(R"({"k":[{"anything-but":{"prefix":"tmp"}}]})", R"({"k":"data"})"));
  EXPECT_FALSE(Match(R"({"k":[{"anything-but":{"prefix":"tmp"}}]})", R"({"k":"tmp1"})"));
  EXPECT_FALSE(Match(R"({"k":[{"anything-but":{"suffix":".tmp"}}]})", R"({"k":"a.tmp"})"));
}

TEST(EventFilter, NumericRanges) {
  std::string range = R"({"n":[{"numeric":[">",0,"<=",5]}]})";
  EXPECT_TRUE(Match(range, R"({"n":5})"));
  EXPECT_TRUE(Match(range, R"({"n":0.5})"));
  EXPECT_FALSE(Match(range, R"({"n":0})"));
  EXPECT_FALSE(Match(range, R"({"n":6})"));
  EXPECT_FALSE(Match(range, R"({"n":"3"})"));
  EXPECT_TRUE(Match(R"({"n":[{"numeric":["=",100]}]})", R"({"n":100.0})"));
  EXPECT_TRUE(Match(R"({"n":[{"numeric":[">=",10]}]})", R"({"n":10})"));
  EXPECT_FALSE(Match(R"({"n":[{"numeric":["<",10]}]})", R"({"n":10})"));
}

TEST(EventFilter, Exists) {
  EXPECT_TRUE(Match(R"({"k":[{"exists":true}]})", R"({"k":"x"})"));
  EXPECT_TRUE(Match(R"({"k":[{"exists":true}]})", R"({"k":null})"));
  EXPECT_FALSE(Match(R"({"k":[{"exists":true}]})", R"({"j":1})"));
  EXPECT_TRUE(Match(R"({"k":[{"exists":false}]})", R"({"j":1})"));
  EXPECT_FALSE(Match(R"({"k":[{"exists":false}]})", R"({"k":1})"));
  EXPECT_TRUE(Match(R"({"a":{"b":[{"exists":false}]}})", R"({"x":1})"));
}

TEST(EventFilter, ArraysInTheEventMatchAnyElement) {
  EXPECT_TRUE(Match(R"({"tags":["red"]})", R"({"tags":["blue","red"]})"));
  EXPECT_FALSE(Match(R"({"tags":["red"]})", R"({"tags":["blue"]})"));
  EXPECT_TRUE(Match(R"({"items":{"sku":[{"prefix":"A"}]}})", R"({"items":[{"sku":"B1"},{"sku":"A2"}]})"));
}

TEST(EventFilter, OrOfPatterns) {
  std::string p = R"({"$or":[{"city":["Paris"]},{"day":["Monday"]}]})";
  EXPECT_TRUE(Match(p, R"({"city":"Paris","day":"Sunday"})"));
  EXPECT_TRUE(Match(p, R"({"city":"Rome","day":"Monday"})"));
  EXPECT_FALSE(Match(p, R"({"city":"Rome","day":"Sunday"})"));
}

TEST(EventFilter, InvalidPatternsAreRejected) {
  for (const char* bad : {
           "not json", "[]", R"({"k":"v"})", R"({"k":[]})", R"({"k":{}})", R"({"k":[[1]]})",
           R"({"k":[{"prefix":1}]})", R"({"k":[{"numeric":[">"]}]})",
           R"({"k":[{"numeric":["<",5,">",1]}]})", R"({"k":[{"numeric":[">",5,"<",1]}]})",
           R"({"k":[{"exists":"yes"}]})", R"({"k":[{"unknown":1}]})",
           R"({"k":[{"prefix":"a","suffix":"b"}]})", R"({"k":[{"anything-but":[]}]})",
           R"({"$or":[{"a":["1"]}]})", R"({"$or":"x"})",
       }) {
    EXPECT_FALSE(EventFilter::Parse(bad).has_value()) << bad;
  }
  EXPECT_TRUE(EventFilter::Parse("{}").has_value());
}

TEST(FilterSet, AnyFilterPassesAndNoneLetsEverythingThrough) {
  auto none = FilterSet::Parse({});
  ASSERT_TRUE(none);
  rapidjson::Document d;
  d.Parse(R"({"body":"x"})");
  EXPECT_TRUE(none->Matches(d));
  auto set = FilterSet::Parse({R"({"body":["y"]})", R"({"body":["x"]})"});
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->Matches(d));
  EXPECT_FALSE(FilterSet::Parse({R"({"body":["y"]})", "bad"}).has_value());
}

TEST(FilterView, JsonBodiesAreParsedForFilters) {
  rapidjson::Document record;
  record.Parse(R"({"messageId":"1","body":"{\"kind\":\"order\",\"total\":150}"})");
  auto view = FilterView(record);
  ASSERT_TRUE(view["body"].IsObject());
  auto f = EventFilter::Parse(R"({"body":{"kind":["order"],"total":[{"numeric":[">",100]}]}})");
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->Matches(view));
  EXPECT_STREQ(record["body"].GetString(), R"({"kind":"order","total":150})");  // untouched

  rapidjson::Document plain;
  plain.Parse(R"({"messageId":"2","body":"hello world"})");
  auto plain_view = FilterView(plain);
  EXPECT_STREQ(plain_view["body"].GetString(), "hello world");
  EXPECT_TRUE(EventFilter::Parse(R"({"body":[{"prefix":"hello"}]})")->Matches(plain_view));
  EXPECT_FALSE(EventFilter::Parse(R"({"body":{"kind":["order"]}})")->Matches(plain_view));
}

}  // namespace
}  // namespace nimbus::lambda
