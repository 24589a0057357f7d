#include "edge/protocol/encoding.h"

#include <gtest/gtest.h>

namespace nimbus::protocol {
namespace {

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(Base64Decode("aGVsbG8="), "hello");
}

TEST(Base64, RejectsGarbage) {
  EXPECT_FALSE(Base64Decode("a$b=").has_value());
  EXPECT_FALSE(Base64Decode("a").has_value());
  EXPECT_FALSE(Base64Decode("abc===").has_value());
}

TEST(Percent, DecodesFormAndRejectsBadEscapes) {
  EXPECT_EQ(PercentDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_FALSE(PercentDecode("%ZZ", true).has_value());
  EXPECT_FALSE(PercentDecode("abc%2", true).has_value());
  EXPECT_FALSE(PercentDecode("%", true).has_value());
  EXPECT_EQ(PercentEncode("a b/c:~"), "a%20b%2Fc%3A~");
  EXPECT_EQ(PercentEncode("a b/c", true), "a%20b/c");
}

TEST(Form, ParsesPairsAndEmptyValues) {
  auto form = ParseForm("Action=Send&Empty=&Flag&x=%26%3D");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->at("Action"), "Send");
  EXPECT_EQ(form->at("Empty"), "");
  EXPECT_EQ(form->at("Flag"), "");
  EXPECT_EQ(form->at("x"), "&=");
  EXPECT_FALSE(ParseForm("a=%G1").has_value());
}

TEST(Timestamp, FormatsAndParsesIso8601) {
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601(1714564800.123), "2024-05-01T12:00:00.123Z");
  EXPECT_DOUBLE_EQ(*ParseTimestamp("2024-05-01T12:00:00Z"), 1714564800);
  EXPECT_NEAR(*ParseTimestamp("2024-05-01T12:00:00.5Z"), 1714564800.5, 1e-9);
  EXPECT_DOUBLE_EQ(*ParseTimestamp("2024-05-01T14:00:00+02:00"), 1714564800);
  EXPECT_DOUBLE_EQ(*ParseTimestamp("1714564800"), 1714564800);
  EXPECT_DOUBLE_EQ(*ParseTimestamp("Wed, 01 May 2024 12:00:00 GMT"), 1714564800);
  EXPECT_EQ(FormatHttpDate(1714564800), "Wed, 01 May 2024 12:00:00 GMT");
  EXPECT_FALSE(ParseTimestamp("yesterday").has_value());
  EXPECT_FALSE(ParseTimestamp("2024-13-01T00:00:00Z").has_value());
}

TEST(Xml, EscapesLikeAws) {
  std::string out;
  XmlEscapeAppend(out, "<a & \"b\"\r>");
  EXPECT_EQ(out, "&lt;a &amp; &quot;b&quot;&#xD;&gt;");
}

}  // namespace
}  // namespace nimbus::protocol
