#include "services/apigateway/vtl/java_regex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {
namespace {

std::string ReplaceAll(const char* pattern, const std::string& s, const char* rep) {
  return JavaRegex(pattern).Replace(s, rep, true);
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out = "[";
  for (size_t i = 0; i < parts.size(); ++i) {
    out += (i ? "|" : "") + parts[i];
  }
  return out + "]";
}

TEST(JavaRegexTest, ReplaceAllMatchesJava) {
  EXPECT_EQ(ReplaceAll("\\s+", "a  b \t\nc", " "), "a b c");
  EXPECT_EQ(ReplaceAll("[^a-zA-Z0-9]", "a-b_c!", ""), "abc");
  EXPECT_EQ(ReplaceAll("(\\w+)@(\\w+)\\.com", "x joe@site.com y", "$2:$1"), "x site:joe y");
  EXPECT_EQ(ReplaceAll("a*", "baaa", "X"), "XbXX");  // Java's empty-match stepping
  EXPECT_EQ(ReplaceAll("\\\\'", "it\\'s", "'"), "it's");
  EXPECT_EQ(ReplaceAll("\"", "say \"hi\"", "\\\\\""), "say \\\"hi\\\"");
  EXPECT_EQ(ReplaceAll("a.c", "abc a\nc", "X"), "X a\nc");
  EXPECT_EQ(ReplaceAll("(?s)a.c", "a\nc", "X"), "X");
  EXPECT_EQ(ReplaceAll("(?i)hello", "Hello HELLO", "x"), "x x");
  EXPECT_EQ(ReplaceAll("<.+?>", "<a><b>", "T"), "TT");  // lazy
  EXPECT_EQ(ReplaceAll("<.+>", "<a><b>", "T"), "T");    // greedy
  EXPECT_EQ(ReplaceAll("cat|dog", "cat and dog", "pet"), "pet and pet");
  EXPECT_EQ(ReplaceAll("^\\s+|\\s+$", "  pad  ", ""), "pad");
  EXPECT_EQ(ReplaceAll("\\bis\\b", "this is it", "IS"), "this IS it");
  EXPECT_EQ(ReplaceAll("\\d{2,3}", "1 12 1234", "#"), "1 # #4");
  EXPECT_EQ(ReplaceAll("\\Q.*\\E", "a.*b", "-"), "a-b");
  EXPECT_EQ(ReplaceAll("\\$", "$5", "USD"), "USD5");
  EXPECT_EQ(ReplaceAll("(a)|(b)", "ab", "[$1$2]"), "[a][b]");
  EXPECT_EQ(ReplaceAll("\u00e9", "caf\u00e9", "e"), "cafe");
  EXPECT_EQ(ReplaceAll(".", "\u00e9a", "x"), "xx");  // one character, not one byte
  EXPECT_EQ(JavaRegex("o").Replace("foo", "0", false), "f0o");
}

TEST(JavaRegexTest, MatchesIsWholeString) {
  EXPECT_TRUE(JavaRegex("[a-z]+\\d*").Matches("abc123"));
  EXPECT_FALSE(JavaRegex("[a-z]+").Matches("abc123"));
  EXPECT_TRUE(JavaRegex("a|ab").Matches("ab"));  // full match needs the second branch
  EXPECT_TRUE(JavaRegex("^[\\w.+-]+@[\\w-]+\\.[a-z]{2,}$").Matches("a.b+c@x-y.org"));
  EXPECT_TRUE(JavaRegex("").Matches(""));
}

TEST(JavaRegexTest, SplitMatchesJava) {
  EXPECT_EQ(Join(JavaRegex(",").Split("a,b,,c,,", 0)), "[a|b||c]");
  EXPECT_EQ(Join(JavaRegex(",").Split("a,b,,c,,", -1)), "[a|b||c||]");
  EXPECT_EQ(Join(JavaRegex(",").Split("a,b,c", 2)), "[a|b,c]");
  EXPECT_EQ(Join(JavaRegex("").Split("abc", 0)), "[a|b|c]");
  EXPECT_EQ(Join(JavaRegex("\\s*,\\s*").Split("a , b,c", 0)), "[a|b|c]");
  EXPECT_EQ(Join(JavaRegex("x").Split("abc", 0)), "[abc]");
  EXPECT_EQ(Join(JavaRegex(",").Split(",a", 0)), "[|a]");
  EXPECT_EQ(Join(JavaRegex("\\|").Split("a|b", 0)), "[a|b]");
}

TEST(JavaRegexTest, UnsupportedOrInvalidPatternsThrow) {
  for (const char* bad : {"(a", "a)", "[a", "*a", "a{2,1}", "(a)\\1", "(?=a)", "(?<=a)b",
                          "\\p{Alpha}", "a{5000}", "\\", "[b-a]"}) {
    EXPECT_THROW(JavaRegex{bad}, TemplateError) << bad;
  }
}

TEST(JavaRegexTest, PathologicalPatternsStayLinear) {
  // Exponential for backtracking engines; a Pike VM is linear.
  std::string subject(30, 'a');
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(JavaRegex("(a*)*b").Matches(subject));
  EXPECT_FALSE(JavaRegex("(a|aa)+$x").Matches(subject));
  // Long subjects do not recurse (std::regex overflows the stack around 50k characters).
  std::string big(300'000, 'a');
  EXPECT_EQ(JavaRegex("(a|b)*").Replace(big, "x", true), "xx");
  EXPECT_EQ(JavaRegex(".*").Replace(big, "", true), "");
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST(JavaRegexTest, WorkIsBounded) {
  std::string big(5'000'000, 'a');
  EXPECT_THROW(JavaRegex("(a{1,100}){1,100}").Replace(big, "", true), TemplateError);
}

}  // namespace
}  // namespace nimbus::apigateway::vtl
