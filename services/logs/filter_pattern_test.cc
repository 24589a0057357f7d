#include "services/logs/filter_pattern.h"

#include <gtest/gtest.h>

namespace nimbus::logs {
namespace {

bool Match(const std::string& pattern, const std::string& message) {
  auto p = FilterPattern::Parse(pattern);
  EXPECT_TRUE(p.has_value()) << pattern << ": " << (p ? "" : p.error().message);
  return p && p->Matches(message);
}

std::string ParseError(const std::string& pattern) {
  auto p = FilterPattern::Parse(pattern);
  EXPECT_FALSE(p.has_value()) << pattern << " unexpectedly parsed";
  return p ? std::string() : p.error().code;
}

TEST(FilterPatternTest, EmptyPatternMatchesEverything) {
  EXPECT_TRUE(Match("", "anything"));
  EXPECT_TRUE(Match("   ", "anything"));
  EXPECT_TRUE(FilterPattern::Parse("")->MatchesEverything());
  EXPECT_TRUE(Match("\"\"", "anything"));
}

TEST(FilterPatternTest, EveryTermMustAppearCaseSensitively) {
  EXPECT_TRUE(Match("ERROR", "[ERROR] disk full"));
  EXPECT_FALSE(Match("ERROR", "[error] disk full"));
  EXPECT_TRUE(Match("ERROR disk", "[ERROR] disk full"));
  EXPECT_FALSE(Match("ERROR memory", "[ERROR] disk full"));
  EXPECT_TRUE(Match("  ERROR   full ", "[ERROR] disk full"));
}

TEST(FilterPatternTest, QuotedPhrasesMatchAsAWhole) {
  EXPECT_TRUE(Match("\"disk full\"", "[ERROR] disk full"));
  EXPECT_FALSE(Match("\"full disk\"", "[ERROR] disk full"));
  EXPECT_TRUE(Match("\"a \\\"quoted\\\" word\"", "say a \"quoted\" word"));
  EXPECT_TRUE(Match("ERROR \"disk full\"", "[ERROR] disk full"));
  EXPECT_EQ(ParseError("\"unterminated"), "InvalidParameterException");
}

TEST(FilterPatternTest, MinusTermsExclude) {
  EXPECT_TRUE(Match("ERROR -Exiting", "ERROR disk full"));
  EXPECT_FALSE(Match("ERROR -Exiting", "ERROR Exiting now"));
  EXPECT_FALSE(Match("-\"Exiting now\"", "ERROR Exiting now"));
  EXPECT_TRUE(Match("-\"Exiting now\"", "ERROR Exiting later"));
  EXPECT_TRUE(Match("a-b", "x a-b y"));  // a dash inside a term is literal
}

TEST(FilterPatternTest, QuestionTermsNeedAnyOne) {
  EXPECT_TRUE(Match("?ERROR ?WARN", "WARN low disk"));
  EXPECT_TRUE(Match("?ERROR ?WARN", "ERROR disk"));
  EXPECT_FALSE(Match("?ERROR ?WARN", "INFO fine"));
  EXPECT_TRUE(Match("?ERROR ?WARN disk", "WARN low disk"));
  EXPECT_FALSE(Match("?ERROR ?WARN disk", "WARN low memory"));
  EXPECT_FALSE(Match("?ERROR ?WARN -low", "WARN low disk"));
  EXPECT_TRUE(Match("?\"out of memory\" ?OOM", "java: out of memory"));
}

TEST(FilterPatternTest, RegexTermsAreRefusedNotMisread) {
  EXPECT_EQ(ParseError("%ERR[0-9]+%"), "InvalidParameterException");
  EXPECT_TRUE(Match("100%", "at 100% now"));  // a lone % is literal
}

TEST(FilterPatternTest, JsonStringEqualityAndWildcards) {
  const std::string m = R"({"level":"ERROR","msg":"disk full","user":{"id":7,"name":"ann"}})";
  EXPECT_TRUE(Match(R"({ $.level = "ERROR" })", m));
  EXPECT_TRUE(Match(R"({$.level="ERROR"})", m));
  EXPECT_FALSE(Match(R"({ $.level = "WARN" })", m));
  EXPECT_TRUE(Match(R"({ $.level != "WARN" })", m));
  EXPECT_TRUE(Match(R"({ $.level = ERROR })", m));
  EXPECT_TRUE(Match(R"({ $.msg = "disk*" })", m));
  EXPECT_TRUE(Match(R"({ $.msg = *full })", m));
  EXPECT_FALSE(Match(R"({ $.msg = "*empty*" })", m));
  EXPECT_TRUE(Match(R"({ $.user.name = "ann" })", m));
  EXPECT_FALSE(Match(R"({ $.missing != "x" })", m));  // a comparison needs the field
  EXPECT_FALSE(Match(R"({ $.level = "ERROR" })", "ERROR not json"));
  EXPECT_FALSE(Match(R"({ $.level = "ERROR" })", R"(["ERROR"])"));
}

TEST(FilterPatternTest, JsonNumbers) {
  const std::string m = R"({"latency":120,"ratio":0.25,"code":"404","count":-3})";
  EXPECT_TRUE(Match("{ $.latency > 100 }", m));
  EXPECT_FALSE(Match("{ $.latency < 100 }", m));
  EXPECT_TRUE(Match("{ $.latency >= 120 }", m));
  EXPECT_TRUE(Match("{ $.latency <= 120 }", m));
  EXPECT_TRUE(Match("{ $.latency = 120 }", m));
  EXPECT_TRUE(Match("{ $.latency = 1.2e2 }", m));
  EXPECT_TRUE(Match("{ $.latency != 121 }", m));
  EXPECT_TRUE(Match("{ $.ratio < 0.5 }", m));
  EXPECT_TRUE(Match("{ $.count < 0 }", m));
  EXPECT_TRUE(Match("{ $.code = 404 }", m));  // a numeric string compares as a number
  EXPECT_TRUE(Match("{ $.code >= 400 }", m));
}

TEST(FilterPatternTest, JsonAndOrParentheses) {
  const std::string m = R"({"level":"ERROR","latency":120,"user":{"id":7}})";
  EXPECT_TRUE(Match(R"({ $.level = "ERROR" && $.latency > 100 })", m));
  EXPECT_FALSE(Match(R"({ $.level = "ERROR" && $.latency > 200 })", m));
  EXPECT_TRUE(Match(R"({ $.level = "WARN" || $.latency > 100 })", m));
  EXPECT_TRUE(Match(R"({ ($.level = "WARN" || $.level = "ERROR") && $.user.id = 7 })", m));
  EXPECT_FALSE(Match(R"({ ($.level = "WARN" || $.level = "INFO") && $.user.id = 7 })", m));
  // && binds tighter than ||.
  EXPECT_TRUE(Match(R"({ $.level = "ERROR" || $.latency > 500 && $.user.id = 8 })", m));
}

TEST(FilterPatternTest, JsonArraysAndExistence) {
  const std::string m =
      R"({"items":[{"id":1},{"id":2,"tags":["a","b"]}],"ok":true,"bad":false,"gone":null})";
  EXPECT_TRUE(Match("{ $.items[1].id = 2 }", m));
  EXPECT_TRUE(Match(R"({ $.items[1].tags[0] = "a" })", m));
  EXPECT_FALSE(Match("{ $.items[5].id = 2 }", m));
  EXPECT_TRUE(Match("{ $.ok IS TRUE }", m));
  EXPECT_TRUE(Match("{ $.bad IS FALSE }", m));
  EXPECT_FALSE(Match("{ $.ok IS FALSE }", m));
  EXPECT_TRUE(Match("{ $.gone IS NULL }", m));
  EXPECT_TRUE(Match("{ $.nothing NOT EXISTS }", m));
  EXPECT_FALSE(Match("{ $.gone NOT EXISTS }", m));
  EXPECT_TRUE(Match("{ $.items EXISTS }", m));
  EXPECT_TRUE(Match(R"({ $["ok"] IS TRUE })", m));
}

TEST(FilterPatternTest, DeeplyNestedMessagesDoNotExhaustTheStack) {
  std::string deep = "{\"a\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  EXPECT_TRUE(Match("{ $.a EXISTS }", deep));
  EXPECT_FALSE(Match("{ $.a[0][0] = 1 }", deep));
}

TEST(FilterPatternTest, JsonSyntaxErrors) {
  EXPECT_EQ(ParseError("{ $.level = \"ERROR\" "), "InvalidParameterException");
  EXPECT_EQ(ParseError("{ level = \"ERROR\" }"), "InvalidParameterException");
  EXPECT_EQ(ParseError("{ $.level \"ERROR\" }"), "InvalidParameterException");
  EXPECT_EQ(ParseError("{ $.level = }"), "InvalidParameterException");
  EXPECT_EQ(ParseError("{ ($.a = 1 }"), "InvalidParameterException");
  EXPECT_EQ(ParseError("{ $.a = 1 && }"), "InvalidParameterException");
  EXPECT_EQ(ParseError("{ $.a IS MAYBE }"), "InvalidParameterException");
  EXPECT_EQ(ParseError("{ $.a[x] = 1 }"), "InvalidParameterException");
}

TEST(FilterPatternTest, SpaceDelimitedFields) {
  const std::string m =
      R"(127.0.0.1 frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534)";
  EXPECT_TRUE(Match("[ip, user, timestamp, request, status, bytes]", m));
  EXPECT_FALSE(Match("[ip, user, timestamp, request, status]", m));  // field count differs
  EXPECT_TRUE(Match("[ip, user, timestamp, request, status = 404, bytes]", m));
  EXPECT_TRUE(Match("[ip, user, timestamp, request, status = 4*, bytes > 1000]", m));
  EXPECT_FALSE(Match("[ip, user, timestamp, request, status = 5*, bytes]", m));
  EXPECT_TRUE(Match("[..., status = 404, bytes]", m));
  EXPECT_TRUE(Match("[ip = 127.0.0.*, ...]", m));
  EXPECT_TRUE(Match("[ip, user = frank, ..., bytes < 2000]", m));
  EXPECT_TRUE(Match("[ip, user, timestamp, request = \"*index*\", status, bytes]", m));
  EXPECT_TRUE(Match("[..., status = 500 || status = 404, bytes]", m));
  EXPECT_EQ(ParseError("[ip, user"), "InvalidParameterException");
  EXPECT_EQ(ParseError("[ip user]"), "InvalidParameterException");
}

}  // namespace
}  // namespace nimbus::logs
