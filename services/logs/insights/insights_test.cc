#include <gtest/gtest.h>

#include "services/logs/insights/engine.h"
#include "services/logs/insights/query.h"

namespace nimbus::logs::insights {
namespace {

// 2024-01-01 00:00:00 UTC
constexpr int64_t kT0 = 1704067200000;

std::vector<Record> Sample() {
  std::vector<Record> out;
  auto add = [&](int64_t offset_ms, std::string msg, std::string stream = "s1") {
    Record r;
    r.timestamp = kT0 + offset_ms;
    r.ingestion_ms = r.timestamp + 5;
    r.message = std::move(msg);
    r.stream = std::move(stream);
    r.log = "000000000000:/app";
    r.ptr = "p" + std::to_string(out.size());
    out.push_back(std::move(r));
  };
  add(0, R"({"level":"INFO","latency":10,"user":{"id":"a"},"tags":["x","y"]})");
  add(60'000, R"({"level":"ERROR","latency":250,"user":{"id":"b"}})");
  add(120'000, R"({"level":"ERROR","latency":90,"user":{"id":"a"}})", "s2");
  add(400'000, "GET /index.html 200 512 user=carol");
  add(410'000, "GET /missing 404 0 user=dave");
  return out;
}

RunResult RunText(const std::string& q, int64_t max_rows = 10000) {
  auto parsed = ParseQuery(q);
  EXPECT_TRUE(parsed.has_value()) << q << ": "
                                  << (parsed ? "" : parsed.error().message);
  if (!parsed) {
    return {};
  }
  return Run(*parsed, Sample(), max_rows);
}

std::string Get(const ResultRow& row, const std::string& field) {
  for (const auto& [f, v] : row) {
    if (f == field) return v;
  }
  return "<absent>";
}

TEST(Insights, FieldsFilterSortLimit) {
  auto r = RunText("fields @timestamp, level, latency | filter level = 'ERROR' | sort latency desc");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(Get(r.rows[0], "latency"), "250");
  EXPECT_EQ(Get(r.rows[1], "latency"), "90");
  EXPECT_EQ(Get(r.rows[0], "@timestamp"), "2024-01-01 00:01:00.000");
  EXPECT_EQ(r.rows[0][0].first, "@timestamp");
  EXPECT_EQ(r.rows[0].back().first, "@ptr");
  EXPECT_EQ(r.records_scanned, 5);
  EXPECT_EQ(r.records_matched, 2);

  r = RunText("fields @message | limit 2");
  ASSERT_EQ(r.rows.size(), 2u);  // newest first without sort
  EXPECT_EQ(Get(r.rows[0], "@message"), "GET /missing 404 0 user=dave");
}

TEST(Insights, JsonFieldsAreFlattened) {
  auto r = RunText("filter user.id = 'a' | fields `user.id`, tags.1 | sort @timestamp asc");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(Get(r.rows[0], "user.id"), "a");
  EXPECT_EQ(Get(r.rows[0], "tags.1"), "y");
  EXPECT_EQ(Get(r.rows[1], "tags.1"), "<absent>");
}

TEST(Insights, BooleanLikeRegexIn) {
  EXPECT_EQ(RunText("filter @message like 'missing'").rows.size(), 1u);
  EXPECT_EQ(RunText("filter @message like /GET \\/(index|missing)/").rows.size(), 2u);
  EXPECT_EQ(RunText("filter @message =~ /get/i").rows.size(), 2u);
  EXPECT_EQ(RunText("filter @message like /(?i)MISSING/").rows.size(), 1u);
  EXPECT_EQ(RunText("filter @message not like 'GET'").rows.size(), 3u);
  EXPECT_EQ(RunText("filter latency > 50 and level != 'INFO'").rows.size(), 2u);
  EXPECT_EQ(RunText("filter latency < 50 or latency >= 250").rows.size(), 2u);
  EXPECT_EQ(RunText("filter not (latency > 50)").rows.size(), 3u);  // absent latency too
  EXPECT_EQ(RunText("filter level in ['INFO', 'WARN']").rows.size(), 1u);
  EXPECT_EQ(RunText("filter level not in ['INFO']").rows.size(), 4u);
  EXPECT_EQ(RunText("filter ispresent(latency) and latency * 2 > 400").rows.size(), 1u);
  EXPECT_EQ(RunText("filter @logStream = 's2'").rows.size(), 1u);
}

TEST(Insights, Stats) {
  auto r = RunText(
      "filter ispresent(latency) | stats count(*) as n, avg(latency), sum(latency), "
      "min(latency), max(latency), count_distinct(user.id) by level | sort level");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(Get(r.rows[0], "level"), "ERROR");
  EXPECT_EQ(Get(r.rows[0], "n"), "2");
  EXPECT_EQ(Get(r.rows[0], "avg(latency)"), "170");
  EXPECT_EQ(Get(r.rows[0], "sum(latency)"), "340");
  EXPECT_EQ(Get(r.rows[0], "min(latency)"), "90");
  EXPECT_EQ(Get(r.rows[0], "max(latency)"), "250");
  EXPECT_EQ(Get(r.rows[0], "count_distinct(user.id)"), "2");
  EXPECT_EQ(Get(r.rows[1], "level"), "INFO");
  EXPECT_EQ(r.rows[0][0].first, "level");
  EXPECT_EQ(Get(r.rows[0], "@ptr"), "<absent>");
  EXPECT_EQ(r.records_matched, 3);

  r = RunText("stats count(*) by bin(5m) | sort bin(5m)");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(Get(r.rows[0], "bin(5m)"), "2024-01-01 00:00:00.000");
  EXPECT_EQ(Get(r.rows[0], "count(*)"), "3");
  EXPECT_EQ(Get(r.rows[1], "bin(5m)"), "2024-01-01 00:05:00.000");
  EXPECT_EQ(Get(r.rows[1], "count(*)"), "2");

  r = RunText("filter level = 'nope' | stats count(*)");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Get(r.rows[0], "count(*)"), "0");

  r = RunText("stats avg(latency) as a | display a");
  EXPECT_EQ(Get(r.rows[0], "a"), "116.66666666666667");
}

TEST(Insights, ParseGlobAndRegex) {
  auto r = RunText(
      "filter @message like 'GET' | parse @message '* * * * user=*' as method, path, status, "
      "bytes, user | filter status = 404 | fields user, path");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Get(r.rows[0], "user"), "dave");
  EXPECT_EQ(Get(r.rows[0], "path"), "/missing");

  r = RunText(
      "parse @message /(?<verb>[A-Z]+) (?<path>\\S+) (?<code>\\d+)/ | filter ispresent(code) | "
      "stats count(*) by code | sort code");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(Get(r.rows[0], "code"), "200");
  EXPECT_EQ(Get(r.rows[1], "code"), "404");
}

TEST(Insights, FunctionsAndAliases) {
  auto r = RunText(
      "filter ispresent(user.id) | fields toupper(user.id) as U, strlen(level) as L, "
      "concat(level, '-', user.id) as c, latency / 10 as t | sort t");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(Get(r.rows[0], "U"), "A");
  EXPECT_EQ(Get(r.rows[0], "L"), "4");
  EXPECT_EQ(Get(r.rows[0], "c"), "INFO-a");
  EXPECT_EQ(Get(r.rows[0], "t"), "1");
  EXPECT_EQ(Get(r.rows[1], "t"), "9");
}

TEST(Insights, DateFunctions) {
  auto r = RunText(
      "filter latency = 250 | fields toMillis(@timestamp) as ms, datefloor(@timestamp, 1h) as "
      "f, dateceil(@timestamp, 1h) as c, fromMillis(0) as epoch");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Get(r.rows[0], "ms"), std::to_string(kT0 + 60'000));
  EXPECT_EQ(Get(r.rows[0], "f"), "2024-01-01 00:00:00.000");
  EXPECT_EQ(Get(r.rows[0], "c"), "2024-01-01 01:00:00.000");
  EXPECT_EQ(Get(r.rows[0], "epoch"), "1970-01-01 00:00:00.000");
}

TEST(Insights, DefaultRowsShowSystemAndDiscoveredFields) {
  auto r = RunText("filter latency = 10");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0].first, "@timestamp");
  EXPECT_EQ(r.rows[0][1].first, "@message");
  EXPECT_EQ(Get(r.rows[0], "@logStream"), "s1");
  EXPECT_EQ(Get(r.rows[0], "@log"), "000000000000:/app");
  EXPECT_EQ(Get(r.rows[0], "level"), "INFO");
  EXPECT_EQ(Get(r.rows[0], "@ptr"), "p0");
}

TEST(Insights, DedupKeepsTheFirstInSortOrder) {
  auto r = RunText("fields user.id, latency | filter ispresent(user.id) | sort latency desc | "
                   "dedup user.id");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(Get(r.rows[0], "user.id"), "b");
  EXPECT_EQ(Get(r.rows[1], "user.id"), "a");
  EXPECT_EQ(Get(r.rows[1], "latency"), "90");
}

TEST(Insights, MaxRowsCaps) { EXPECT_EQ(RunText("fields @message", 3).rows.size(), 3u); }

TEST(Insights, LambdaReportFields) {
  auto fields = DiscoverFields(
      "REPORT RequestId: abc-1\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 "
      "MB\tMax Memory Used: 40 MB\t\n");
  std::map<std::string, std::string> m;
  for (auto& [k, v] : fields) {
    m[k] = v.kind == Val::Kind::kStr ? v.s : std::to_string(v.n);
  }
  EXPECT_EQ(m["@type"], "REPORT");
  EXPECT_EQ(m["@requestId"], "abc-1");
  EXPECT_EQ(m["@duration"], std::to_string(12.5));
  EXPECT_EQ(m["@billedDuration"], std::to_string(13.0));
  EXPECT_EQ(m["@memorySize"], std::to_string(128e6));
}

TEST(Insights, MalformedQueries) {
  for (const char* bad : {"", "fields", "filter", "bogus x", "fields a |", "stats latency",
                          "limit 0", "limit x", "sort", "filter a = ", "parse @message 'x' as a",
                          "parse @message /(\\d+)/", "filter a like", "stats count(*) by",
                          "fields nosuchfn(a)", "filter (a = 1", "parse @message '* *' as a",
                          "stats count(*) by bin(5x)"}) {
    auto q = ParseQuery(bad);
    ASSERT_FALSE(q.has_value()) << bad;
    EXPECT_EQ(q.error().code, "MalformedQueryException") << bad;
    EXPECT_NE(q.error().message.find(" at line 1 and position "), std::string::npos)
        << bad << ": " << q.error().message;
  }
  // Deep nesting is refused, not recursed into.
  EXPECT_FALSE(ParseQuery("filter " + std::string(5000, '(') + "a = 1" + std::string(5000, ')'))
                   .has_value());
  EXPECT_FALSE(ParseQuery("filter " + std::string(5000, '-') + "1").has_value());
  EXPECT_FALSE(ParseQuery("filter " + [] {
                 std::string s;
                 for (int i = 0; i < 3000; ++i) s += "not ";
                 return s;
               }() + "a").has_value());
  EXPECT_TRUE(ParseQuery("filter ((((a = 1))))").has_value());
  EXPECT_TRUE(ParseQuery("sort a desc | dedup a, b | limit 3").has_value());
  EXPECT_FALSE(ParseQuery("dedup a | sort a").has_value());
  EXPECT_FALSE(ParseQuery("dedup a | limit 3 | fields b").has_value());
  auto deep = DiscoverFields("{\"a\":" + std::string(200000, '[') + std::string(200000, ']') +
                             "}");
  EXPECT_TRUE(deep.empty());
  auto q = ParseQuery("fields a\n| bogus");
  ASSERT_FALSE(q.has_value());
  EXPECT_EQ(q.error().message, "unexpected symbol found bogus at line 2 and position 3");
}

TEST(Insights, RegexesOverLongMessagesDoNotExhaustTheStack) {
  Record r;
  r.timestamp = kT0;
  r.message = std::string(300 * 1024, 'a') + " user=bob status=200";
  auto q = ParseQuery(
      "parse @message 'user=* status=*' as user, status | filter @message like /a+ user/ | "
      "parse @message /(?<head>.*) (?<tail>.*)/ | fields user, status, strlen(head) as n");
  ASSERT_TRUE(q.has_value());
  auto out = insights::Run(*q, {r}, 10);
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(Get(out.rows[0], "user"), "bob");
  EXPECT_EQ(Get(out.rows[0], "status"), "200");
  EXPECT_EQ(Get(out.rows[0], "n"), std::to_string(300 * 1024 + 9));
}

TEST(Insights, TimeFormat) {
  EXPECT_EQ(FormatTime(kT0 + 3723004), "2024-01-01 01:02:03.004");
}

}  // namespace
}  // namespace nimbus::logs::insights
