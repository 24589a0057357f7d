#include "services/sns/filter_policy.h"

#include <gtest/gtest.h>

namespace nimbus::sns {
namespace {

std::shared_ptr<const FilterPolicy> Attr(const std::string& json) {
  auto p = FilterPolicy::Parse(json, FilterScope::kMessageAttributes, false);
  EXPECT_TRUE(p.has_value()) << json << ": " << (p ? "" : p.error().message);
  return p ? *p : nullptr;
}

std::shared_ptr<const FilterPolicy> Body(const std::string& json) {
  auto p = FilterPolicy::Parse(json, FilterScope::kMessageBody, false);
  EXPECT_TRUE(p.has_value()) << json << ": " << (p ? "" : p.error().message);
  return p ? *p : nullptr;
}

std::string Error(const std::string& json, FilterScope scope = FilterScope::kMessageAttributes,
                  bool subscribe = false) {
  auto p = FilterPolicy::Parse(json, scope, subscribe);
  EXPECT_FALSE(p.has_value()) << json;
  return p ? "" : p.error().code + ": " + p.error().message;
}

MessageAttributes Attrs(std::initializer_list<std::tuple<std::string, std::string, std::string>> l) {
  MessageAttributes out;
  for (const auto& [name, type, value] : l) {
    out[name] = MessageAttribute{type, value};
  }
  return out;
}

TEST(FilterPolicyTest, ExactStringsAndNumbers) {
  auto p = Attr(R"({"store":["example_corp"],"price":[100, 200.5]})");
  EXPECT_TRUE(p->MatchesAttributes(
      Attrs({{"store", "String", "example_corp"}, {"price", "Number", "100.0"}})));
  EXPECT_TRUE(p->MatchesAttributes(
      Attrs({{"store", "String", "example_corp"}, {"price", "Number", "200.5"}})));
  EXPECT_FALSE(p->MatchesAttributes(
      Attrs({{"store", "String", "example_corp"}, {"price", "Number", "101"}})));
  // A number policy value does not match a String attribute, and keys are ANDed.
  EXPECT_FALSE(p->MatchesAttributes(
      Attrs({{"store", "String", "example_corp"}, {"price", "String", "100"}})));
  EXPECT_FALSE(p->MatchesAttributes(Attrs({{"store", "String", "example_corp"}})));
}

TEST(FilterPolicyTest, PrefixSuffixIgnoreCaseAnythingBut) {
  auto p = Attr(R"({"a":[{"prefix":"ord"}],"b":[{"suffix":".png"}],"c":[{"equals-ignore-case":"RED"}],"d":[{"anything-but":["x","y"]}],"e":[{"anything-but":{"prefix":"tmp"}}]})");
  auto base = Attrs({{"a", "String", "order"},
                     {"b", "String", "img.png"},
                     {"c", "String", "rEd"},
                     {"d", "String", "z"},
                     {"e", "String", "real"}});
  EXPECT_TRUE(p->MatchesAttributes(base));
  auto bad = base;
  bad["a"].value = "xorder";
  EXPECT_FALSE(p->MatchesAttributes(bad));
  bad = base;
  bad["b"].value = "img.jpg";
  EXPECT_FALSE(p->MatchesAttributes(bad));
  bad = base;
  bad["c"].value = "blue";
  EXPECT_FALSE(p->MatchesAttributes(bad));
  bad = base;
  bad["d"].value = "x";
  EXPECT_FALSE(p->MatchesAttributes(bad));
  bad = base;
  bad["e"].value = "tmpfile";
  EXPECT_FALSE(p->MatchesAttributes(bad));
}

TEST(FilterPolicyTest, NumericRangesExistsCidr) {
  auto p = Attr(R"({"n":[{"numeric":[">",0,"<=",100]}]})");
  EXPECT_TRUE(p->MatchesAttributes(Attrs({{"n", "Number", "100"}})));
  EXPECT_FALSE(p->MatchesAttributes(Attrs({{"n", "Number", "0"}})));
  EXPECT_FALSE(p->MatchesAttributes(Attrs({{"n", "Number", "100.01"}})));
  auto eq = Attr(R"({"n":[{"numeric":["=",5]}]})");
  EXPECT_TRUE(eq->MatchesAttributes(Attrs({{"n", "Number", "5.0"}})));

  auto exists = Attr(R"({"k":[{"exists":true}]})");
  EXPECT_TRUE(exists->MatchesAttributes(Attrs({{"k", "String", "v"}})));
  EXPECT_FALSE(exists->MatchesAttributes(Attrs({{"other", "String", "v"}})));
  auto missing = Attr(R"({"k":[{"exists":false}]})");
  EXPECT_TRUE(missing->MatchesAttributes(Attrs({{"other", "String", "v"}})));
  EXPECT_FALSE(missing->MatchesAttributes(Attrs({{"k", "String", "v"}})));

  auto cidr = Attr(R"({"ip":[{"cidr":"10.0.0.0/24"}],"ip6":[{"cidr":"2001:db8::/32"}]})");
  EXPECT_TRUE(cidr->MatchesAttributes(
      Attrs({{"ip", "String", "10.0.0.255"}, {"ip6", "String", "2001:db8::1"}})));
  EXPECT_FALSE(cidr->MatchesAttributes(
      Attrs({{"ip", "String", "10.0.1.1"}, {"ip6", "String", "2001:db8::1"}})));
}

TEST(FilterPolicyTest, StringArraysOrAndBinary) {
  auto p = Attr(R"({"tags":["b"]})");
  EXPECT_TRUE(p->MatchesAttributes(Attrs({{"tags", "String.Array", R"(["a","b"])"}})));
  EXPECT_FALSE(p->MatchesAttributes(Attrs({{"tags", "String.Array", R"(["a","c"])"}})));
  // AWS ignores Binary attributes.
  EXPECT_FALSE(p->MatchesAttributes(Attrs({{"tags", "Binary", "b"}})));

  auto any = Attr(R"({"$or":[{"a":["1"]},{"b":["2"]}],"c":["3"]})");
  EXPECT_TRUE(any->MatchesAttributes(Attrs({{"a", "String", "1"}, {"c", "String", "3"}})));
  EXPECT_TRUE(any->MatchesAttributes(Attrs({{"b", "String", "2"}, {"c", "String", "3"}})));
  EXPECT_FALSE(any->MatchesAttributes(Attrs({{"b", "String", "2"}})));
}

TEST(FilterPolicyTest, BodyScopeNestedKeys) {
  auto p = Body(R"({"order":{"status":["paid"],"total":[{"numeric":[">=",10]}]},"kind":[{"exists":true}]})");
  EXPECT_TRUE(p->MatchesBody(R"({"order":{"status":"paid","total":12},"kind":"x"})"));
  EXPECT_FALSE(p->MatchesBody(R"({"order":{"status":"paid","total":"12"},"kind":"x"})"));
  EXPECT_FALSE(p->MatchesBody(R"({"order":{"status":"open","total":12},"kind":"x"})"));
  EXPECT_FALSE(p->MatchesBody(R"({"order":{"status":"paid","total":12}})"));
  EXPECT_FALSE(p->MatchesBody("not json"));
  auto arr = Body(R"({"items":{"sku":["b"]}})");
  EXPECT_TRUE(arr->MatchesBody(R"({"items":[{"sku":"a"},{"sku":"b"}]})"));
  auto flags = Body(R"({"ok":[true],"none":[null]})");
  EXPECT_TRUE(flags->MatchesBody(R"({"ok":true,"none":null})"));
  EXPECT_FALSE(flags->MatchesBody(R"({"ok":"true","none":null})"));
}

TEST(FilterPolicyTest, InvalidPoliciesUseAwsMessages) {
  EXPECT_EQ(Error("{"), "InvalidParameter: Invalid parameter: FilterPolicy: failed to parse JSON.");
  EXPECT_EQ(Error(R"({"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: Filter policy can not have more "
            "than 5 keys");
  EXPECT_EQ(Error(R"({"a":[]})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: Empty arrays are not allowed");
  EXPECT_EQ(Error(R"({"a":"x"})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: \"a\" must be an object or an "
            "array");
  EXPECT_EQ(Error(R"({"a":{"b":["x"]}})"),
            "InvalidParameter: Invalid parameter: Filter policy scope MessageAttributes does not "
            "support nested filter policy");
  EXPECT_EQ(Error(R"({"a":[{"wildcard":"x"}]})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: Unrecognized match type wildcard");
  EXPECT_EQ(Error(R"({"a":[{"prefix":1}]})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: prefix match pattern must be a "
            "string");
  EXPECT_EQ(Error(R"({"a":[{"numeric":["<",5,">",1]}]})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: Too many elements in numeric "
            "expression");
  EXPECT_EQ(Error(R"({"a":[{"numeric":[">",5,"<",1]}]})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: Bottom must be less than top");
  EXPECT_EQ(Error(R"({"a":[{"numeric":["!",5]}]})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: Unrecognized numeric range "
            "operator: !");
  EXPECT_EQ(Error(R"({"a":[{"cidr":"10.0.0.0"}]})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: Malformed CIDR, one '/' required");
  EXPECT_EQ(Error(R"({"a":[{"exists":"yes"}]})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: exists match pattern must be "
            "either true or false.");
  EXPECT_EQ(Error(R"({"a":[[1]]})"),
            "InvalidParameter: Invalid parameter: FilterPolicy: Match value must be String, "
            "number, true, false, or null");
  EXPECT_EQ(Error(R"({"a":[{"prefix":"x"}]})" "x", FilterScope::kMessageAttributes, true),
            "InvalidParameter: Invalid parameter: Attributes Reason: FilterPolicy: failed to "
            "parse JSON.");
}

TEST(FilterPolicyTest, ComplexityLimit) {
  // 4 keys of 6 values: 6^4 = 1296 combinations > 150.
  std::string six = R"(["1","2","3","4","5","6"])";
  EXPECT_EQ(Error("{\"a\":" + six + ",\"b\":" + six + ",\"c\":" + six + ",\"d\":" + six + "}"),
            "InvalidParameter: Invalid parameter: FilterPolicy: Filter policy is too complex");
  Attr("{\"a\":" + six + ",\"b\":" + six + "}");
}

}  // namespace
}  // namespace nimbus::sns
