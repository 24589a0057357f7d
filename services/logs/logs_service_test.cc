#include "services/logs/logs_service.h"

#include <set>

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/testing/service_test_base.h"
#include "services/logs/lambda_log_sink.h"

namespace nimbus::logs {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

// (Built with append: GCC 12 warns falsely on `"literal" + std::to_string(...)`.)
std::string Name(const char* prefix, int i) {
  return std::string(prefix).append(std::to_string(i));
}

std::string Q(const std::string& s) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  return sb.GetString();
}

class LogsServiceTest : public testing::ServiceTestBase {
 protected:
  LogsServiceTest() { StartService(logs_); }

  int64_t Now() const { return clock_.NowMillis(); }

  void Group(const std::string& name, const std::string& extra = "") {
    Ok("CreateLogGroup", R"({"logGroupName":)" + Q(name) + extra + "}");
  }
  void Stream(const std::string& group, const std::string& name) {
    Ok("CreateLogStream",
       R"({"logGroupName":)" + Q(group) + R"(,"logStreamName":)" + Q(name) + "}");
  }
  // events: {timestamp, message}
  rapidjson::Document Put(const std::string& group, const std::string& stream,
                          const std::vector<std::pair<int64_t, std::string>>& events) {
    return Ok("PutLogEvents", PutParams(group, stream, events));
  }
  static std::string PutParams(const std::string& group, const std::string& stream,
                               const std::vector<std::pair<int64_t, std::string>>& events) {
    std::string list;
    for (const auto& [ts, msg] : events) {
      if (!list.empty()) {
        list += ',';
      }
      list.append(R"({"timestamp":)").append(std::to_string(ts));
      list.append(R"(,"message":)").append(Q(msg)).append("}");
    }
    return R"({"logGroupName":)" + Q(group) + R"(,"logStreamName":)" + Q(stream) +
           R"(,"logEvents":[)" + list + "]}";
  }
  static std::vector<std::string> Messages(const rapidjson::Value& out) {
    std::vector<std::string> m;
    for (const auto& e : out["events"].GetArray()) {
      m.emplace_back(e["message"].GetString());
    }
    return m;
  }

  LogsService logs_;
};

// ---- Groups ----------------------------------------------------------------------------------

TEST_F(LogsServiceTest, DescribeLogGroupsReportsAwsFields) {
  Group("/app/web", R"(,"tags":{"team":"a"})");
  auto out = Ok("DescribeLogGroups", "{}");
  ASSERT_EQ(out["logGroups"].Size(), 1u);
  const auto& g = out["logGroups"][0];
  EXPECT_STREQ(g["logGroupName"].GetString(), "/app/web");
  EXPECT_EQ(g["creationTime"].GetInt64(), Now());
  EXPECT_EQ(g["metricFilterCount"].GetInt(), 0);
  EXPECT_EQ(g["storedBytes"].GetInt64(), 0);
  EXPECT_STREQ(g["arn"].GetString(), "arn:aws:logs:us-east-1:000000000000:log-group:/app/web:*");
  EXPECT_STREQ(g["logGroupArn"].GetString(),
               "arn:aws:logs:us-east-1:000000000000:log-group:/app/web");
  EXPECT_FALSE(g.HasMember("retentionInDays"));
  EXPECT_FALSE(out.HasMember("nextToken"));
}

TEST_F(LogsServiceTest, GroupErrors) {
  Group("dup");
  auto dup = Call("CreateLogGroup", R"({"logGroupName":"dup"})");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "ResourceAlreadyExistsException");
  EXPECT_EQ(ErrorCode("CreateLogGroup", R"({"logGroupName":"bad name"})"),
            "InvalidParameterException");
  EXPECT_EQ(ErrorCode("CreateLogGroup", R"({"logGroupName":""})"), "InvalidParameterException");
  EXPECT_EQ(ErrorCode("CreateLogGroup", R"({"logGroupName":")" + std::string(513, 'a') + "\"}"),
            "InvalidParameterException");
  Group(std::string(512, 'a'));
  Group("ok.-_/#Name09");
  auto missing = Call("DeleteLogGroup", R"({"logGroupName":"nope"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "ResourceNotFoundException");
  EXPECT_EQ(missing.error().message, "The specified log group does not exist.");
  Ok("DeleteLogGroup", R"({"logGroupName":"dup"})");
  Group("dup");  // the name is free again
}

TEST_F(LogsServiceTest, DescribeLogGroupsPagesByPrefix) {
  for (const char* n : {"/b/1", "/a/3", "/a/1", "/a/2", "/a/4", "/c"}) {
    Group(n);
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    std::string params = R"({"logGroupNamePrefix":"/a/","limit":3)" +
                         (token.empty() ? "" : R"(,"nextToken":)" + Q(token)) + "}";
    auto out = Ok("DescribeLogGroups", params);
    for (const auto& g : out["logGroups"].GetArray()) {
      seen.emplace_back(g["logGroupName"].GetString());
    }
    token = out.HasMember("nextToken") ? out["nextToken"].GetString() : "";
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen, (std::vector<std::string>{"/a/1", "/a/2", "/a/3", "/a/4"}));
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(ErrorCode("DescribeLogGroups", R"({"limit":51})"), "InvalidParameterException");
  EXPECT_EQ(ErrorCode("DescribeLogGroups", R"({"limit":0})"), "InvalidParameterException");
  EXPECT_EQ(ErrorCode("DescribeLogGroups", R"({"nextToken":"garbage"})"),
            "InvalidParameterException");
  auto pattern = Ok("DescribeLogGroups", R"({"logGroupNamePattern":"b/"})");
  ASSERT_EQ(pattern["logGroups"].Size(), 1u);
  EXPECT_STREQ(pattern["logGroups"][0]["logGroupName"].GetString(), "/b/1");
}

// ---- Streams ---------------------------------------------------------------------------------

TEST_F(LogsServiceTest, StreamsAndTheirErrors) {
  Group("g");
  Stream("g", "s1");
  EXPECT_EQ(ErrorCode("CreateLogStream", R"({"logGroupName":"g","logStreamName":"s1"})"),
            "ResourceAlreadyExistsException");
  EXPECT_EQ(ErrorCode("CreateLogStream", R"({"logGroupName":"g","logStreamName":"a:b"})"),
            "InvalidParameterException");
  EXPECT_EQ(ErrorCode("CreateLogStream", R"({"logGroupName":"none","logStreamName":"s"})"),
            "ResourceNotFoundException");
  auto missing = Call("DeleteLogStream", R"({"logGroupName":"g","logStreamName":"zz"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "The specified log stream does not exist.");
  auto out = Ok("DescribeLogStreams", R"({"logGroupName":"g"})");
  ASSERT_EQ(out["logStreams"].Size(), 1u);
  const auto& s = out["logStreams"][0];
  EXPECT_STREQ(s["arn"].GetString(),
               "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s1");
  EXPECT_EQ(s["creationTime"].GetInt64(), Now());
  EXPECT_EQ(s["storedBytes"].GetInt64(), 0);
  EXPECT_FALSE(s.HasMember("lastEventTimestamp"));
  Ok("DeleteLogStream", R"({"logGroupName":"g","logStreamName":"s1"})");
  EXPECT_EQ(Ok("DescribeLogStreams", R"({"logGroupName":"g"})")["logStreams"].Size(), 0u);
}

TEST_F(LogsServiceTest, DescribeLogStreamsOrdersByLastEventTime) {
  Group("g");
  for (const char* n : {"a", "b", "c", "d"}) {
    Stream("g", n);
  }
  Put("g", "c", {{Now() - 3000, "x"}});
  Put("g", "a", {{Now() - 2000, "x"}});
  Put("g", "d", {{Now() - 1000, "x"}});
  auto names = [&](const std::string& params) {
    std::vector<std::string> out;
    std::string token;
    for (int i = 0; i < 10; ++i) {
      auto page = Ok("DescribeLogStreams",
                     params.substr(0, params.size() - 1) +
                         (token.empty() ? "" : R"(,"nextToken":)" + Q(token)) + "}");
      for (const auto& s : page["logStreams"].GetArray()) {
        out.emplace_back(s["logStreamName"].GetString());
      }
      if (!page.HasMember("nextToken")) {
        break;
      }
      token = page["nextToken"].GetString();
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(R"({"logGroupName":"g","orderBy":"LastEventTime","descending":true,"limit":1})"),
            (V{"d", "a", "c", "b"}));
  EXPECT_EQ(names(R"({"logGroupName":"g","orderBy":"LastEventTime","limit":3})"),
            (V{"b", "c", "a", "d"}));
  EXPECT_EQ(names(R"({"logGroupName":"g","descending":true,"limit":2})"), (V{"d", "c", "b", "a"}));
  EXPECT_EQ(names(R"({"logGroupName":"g","logStreamNamePrefix":"c"})"), (V{"c"}));
  auto bad = Call("DescribeLogStreams",
                  R"({"logGroupName":"g","orderBy":"LastEventTime","logStreamNamePrefix":"a"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidParameterException");
  EXPECT_EQ(ErrorCode("DescribeLogStreams", R"({"logGroupName":"g","limit":51})"),
            "InvalidParameterException");
  auto d = Ok("DescribeLogStreams", R"({"logGroupName":"g","logStreamNamePrefix":"a"})");
  const auto& s = d["logStreams"][0];
  EXPECT_EQ(s["firstEventTimestamp"].GetInt64(), Now() - 2000);
  EXPECT_EQ(s["lastEventTimestamp"].GetInt64(), Now() - 2000);
  EXPECT_EQ(s["lastIngestionTime"].GetInt64(), Now());
  EXPECT_TRUE(s.HasMember("uploadSequenceToken"));
  // logGroupIdentifier may be the group's ARN.
  auto by_arn = Ok("DescribeLogStreams",
                   R"({"logGroupIdentifier":"arn:aws:logs:us-east-1:000000000000:log-group:g:*"})");
  EXPECT_EQ(by_arn["logStreams"].Size(), 4u);
}

// ---- PutLogEvents batch rules ----------------------------------------------------------------

TEST_F(LogsServiceTest, PutLogEventsReturnsIncreasingSequenceTokens) {
  Group("g");
  Stream("g", "s");
  std::string t1 = Put("g", "s", {{Now(), "a"}})["nextSequenceToken"].GetString();
  std::string t2 = Put("g", "s", {{Now(), "b"}})["nextSequenceToken"].GetString();
  EXPECT_EQ(t1.size(), 56u);
  EXPECT_LT(t1, t2);
  auto missing = Call("PutLogEvents", PutParams("g", "nope", {{Now(), "a"}}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "The specified log stream does not exist.");
  EXPECT_EQ(ErrorCode("PutLogEvents", PutParams("none", "s", {{Now(), "a"}})),
            "ResourceNotFoundException");
}

TEST_F(LogsServiceTest, PutLogEventsRejectsBatchesOutOfOrderOrTooLarge) {
  Group("g");
  Stream("g", "s");
  auto unordered = Call("PutLogEvents", PutParams("g", "s", {{Now(), "b"}, {Now() - 1, "a"}}));
  ASSERT_FALSE(unordered);
  EXPECT_EQ(unordered.error().code, "InvalidParameterException");
  EXPECT_EQ(unordered.error().message,
            "Log events in a single PutLogEvents request must be in chronological order.");

  std::vector<std::pair<int64_t, std::string>> many(10001, {Now(), "x"});
  EXPECT_EQ(ErrorCode("PutLogEvents", PutParams("g", "s", many)), "InvalidParameterException");
  many.resize(10000);
  Put("g", "s", many);

  // 1,048,576 bytes including 26 per event: exactly the limit passes, one byte more fails.
  std::string big(1048576 - 2 * 26 - 1, 'x');
  Put("g", "s", {{Now(), big}, {Now(), "y"}});
  auto too_big = Call("PutLogEvents", PutParams("g", "s", {{Now(), big}, {Now(), "yz"}}));
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().message, "Upload too large: 1048577 bytes exceeds limit of 1048576");

  auto span = Call("PutLogEvents",
                   PutParams("g", "s", {{Now() - 25 * kHour, "a"}, {Now(), "b"}}));
  ASSERT_FALSE(span);
  EXPECT_EQ(span.error().code, "InvalidParameterException");
  Put("g", "s", {{Now() - 24 * kHour, "a"}, {Now(), "b"}});  // exactly 24 h is allowed

  EXPECT_EQ(ErrorCode("PutLogEvents", PutParams("g", "s", {{Now(), ""}})),
            "InvalidParameterException");
  EXPECT_EQ(ErrorCode("PutLogEvents", PutParams("g", "s", {})), "InvalidParameterException");
}

TEST_F(LogsServiceTest, PutLogEventsReportsTooOldTooNewAndExpiredIndexes) {
  Group("g");
  Stream("g", "s");
  auto out = Put("g", "s",
                 {{Now() - 15 * kDay, "old0"},
                  {Now() - 14 * kDay - 1, "old1"},
                  {Now() - kMinute, "ok2"},
                  {Now() + kHour, "ok3"},
                  {Now() + 2 * kHour + 1, "new4"},
                  {Now() + 3 * kHour, "new5"}});
  const auto& info = out["rejectedLogEventsInfo"];
  EXPECT_EQ(info["tooOldLogEventEndIndex"].GetInt(), 1);
  EXPECT_EQ(info["tooNewLogEventStartIndex"].GetInt(), 4);
  EXPECT_FALSE(info.HasMember("expiredLogEventEndIndex"));
  auto got = Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s","startFromHead":true})");
  EXPECT_EQ(Messages(got), (std::vector<std::string>{"ok2", "ok3"}));

  // The span rule looks at accepted events only.
  Ok("PutLogEvents", PutParams("g", "s", {{Now() - 20 * kDay, "old"}, {Now(), "now"}}));

  Ok("PutRetentionPolicy", R"({"logGroupName":"g","retentionInDays":1})");
  auto expired = Put("g", "s", {{Now() - 2 * kDay, "gone"}, {Now(), "kept"}});
  EXPECT_EQ(expired["rejectedLogEventsInfo"]["expiredLogEventEndIndex"].GetInt(), 0);
  EXPECT_FALSE(expired["rejectedLogEventsInfo"].HasMember("tooOldLogEventEndIndex"));
}

// ---- GetLogEvents ----------------------------------------------------------------------------

TEST_F(LogsServiceTest, GetLogEventsDefaultsToTheNewestPage) {
  Group("g");
  Stream("g", "s");
  std::vector<std::pair<int64_t, std::string>> events;
  for (int i = 0; i < 10; ++i) {
    events.emplace_back(Now() - 100 + i, Name("m", i));
  }
  Put("g", "s", events);
  auto tail = Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s","limit":3})");
  EXPECT_EQ(Messages(tail), (std::vector<std::string>{"m7", "m8", "m9"}));
  EXPECT_EQ(tail["events"][0]["ingestionTime"].GetInt64(), Now());
  auto head =
      Ok("GetLogEvents",
         R"({"logGroupName":"g","logStreamName":"s","limit":3,"startFromHead":true})");
  EXPECT_EQ(Messages(head), (std::vector<std::string>{"m0", "m1", "m2"}));
  std::string f = head["nextForwardToken"].GetString();
  std::string b = head["nextBackwardToken"].GetString();
  EXPECT_EQ(f.substr(0, 2), "f/");
  EXPECT_EQ(b.substr(0, 2), "b/");
  EXPECT_EQ(f.size(), 58u);
  auto range = Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s","startTime":)" +
                                      std::to_string(Now() - 98) + R"(,"endTime":)" +
                                      std::to_string(Now() - 95) + "}");
  // startTime inclusive, endTime exclusive.
  EXPECT_EQ(Messages(range), (std::vector<std::string>{"m2", "m3", "m4"}));
}

TEST_F(LogsServiceTest, GetLogEventsPagesForwardUntilTheTokenRepeats) {
  Group("g");
  Stream("g", "s");
  std::vector<std::pair<int64_t, std::string>> events;
  for (int i = 0; i < 25; ++i) {
    events.emplace_back(Now() - 1000 + i / 2, Name("m", i));  // equal timestamps too
  }
  Put("g", "s", events);
  std::vector<std::string> seen;
  std::string token;
  int calls = 0;
  while (calls < 20) {
    ++calls;
    std::string params =
        R"({"logGroupName":"g","logStreamName":"s","limit":4,"startFromHead":true)" +
                         (token.empty() ? "" : R"(,"nextToken":)" + Q(token)) + "}";
    auto out = Ok("GetLogEvents", params);
    for (auto& m : Messages(out)) {
      seen.push_back(m);
    }
    std::string next = out["nextForwardToken"].GetString();
    if (next == token) {
      EXPECT_EQ(out["events"].Size(), 0u);
      break;
    }
    token = next;
  }
  ASSERT_EQ(seen.size(), 25u);
  for (int i = 0; i < 25; ++i) {
    EXPECT_EQ(seen[i], Name("m", i));
  }
  EXPECT_EQ(calls, 8);  // 7 pages of up to 4, then the echoed token

  // New events appear on the next call with the last forward token.
  Put("g", "s", {{Now(), "late"}});
  auto more = Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s","nextToken":)" +
                                     Q(token) + "}");
  EXPECT_EQ(Messages(more), (std::vector<std::string>{"late"}));
}

TEST_F(LogsServiceTest, GetLogEventsPagesBackward) {
  Group("g");
  Stream("g", "s");
  std::vector<std::pair<int64_t, std::string>> events;
  for (int i = 0; i < 7; ++i) {
    events.emplace_back(Now() - 100 + i, Name("m", i));
  }
  Put("g", "s", events);
  auto out = Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s","limit":3})");
  std::vector<std::vector<std::string>> pages{Messages(out)};
  std::string token = out["nextBackwardToken"].GetString();
  for (int i = 0; i < 5; ++i) {
    out = Ok("GetLogEvents",
             R"({"logGroupName":"g","logStreamName":"s","limit":3,"nextToken":)" + Q(token) + "}");
    std::string next = out["nextBackwardToken"].GetString();
    if (next == token) {
      break;
    }
    pages.push_back(Messages(out));
    token = next;
  }
  using V = std::vector<std::string>;
  EXPECT_EQ(pages, (std::vector<V>{{"m4", "m5", "m6"}, {"m1", "m2", "m3"}, {"m0"}}));
  EXPECT_EQ(ErrorCode("GetLogEvents",
                      R"({"logGroupName":"g","logStreamName":"s","nextToken":"f/123"})"),
            "InvalidParameterException");
  EXPECT_EQ(ErrorCode("GetLogEvents", R"({"logGroupName":"g","logStreamName":"x"})"),
            "ResourceNotFoundException");
}

TEST_F(LogsServiceTest, ResponsesStopAtOneMegabyte) {
  Group("g");
  Stream("g", "s");
  std::string big(400 * 1024, 'x');
  Put("g", "s", {{Now(), big + "1"}, {Now(), big + "2"}});
  Put("g", "s", {{Now(), big + "3"}});
  auto head =
      Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s","startFromHead":true})");
  ASSERT_EQ(head["events"].Size(), 2u);
  auto rest = Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s","nextToken":)" +
                                     Q(head["nextForwardToken"].GetString()) + "}");
  ASSERT_EQ(rest["events"].Size(), 1u);
  EXPECT_EQ(rest["events"][0]["message"].GetString(), big + "3");
  auto newest = Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s"})");
  ASSERT_EQ(newest["events"].Size(), 2u);
  EXPECT_EQ(newest["events"][1]["message"].GetString(), big + "3");

  auto first = Ok("FilterLogEvents", R"({"logGroupName":"g"})");
  ASSERT_EQ(first["events"].Size(), 2u);
  ASSERT_TRUE(first.HasMember("nextToken"));
  auto second = Ok("FilterLogEvents", R"({"logGroupName":"g","nextToken":)" +
                                          Q(first["nextToken"].GetString()) + "}");
  ASSERT_EQ(second["events"].Size(), 1u);
  EXPECT_FALSE(second.HasMember("nextToken"));
}

// ---- FilterLogEvents -------------------------------------------------------------------------

TEST_F(LogsServiceTest, FilterLogEventsInterleavesStreamsAndPages) {
  Group("g");
  Stream("g", "a");
  Stream("g", "b");
  Stream("g", "other");
  int64_t t = Now() - 1000;
  Put("g", "a", {{t + 1, "a1 ERROR"}, {t + 3, "a3"}, {t + 5, "a5 ERROR"}});
  Put("g", "b", {{t + 2, "b2 ERROR"}, {t + 4, "b4 ERROR"}, {t + 6, "b6"}});
  Put("g", "other", {{t, "o0 ERROR"}});
  auto all = Ok("FilterLogEvents", R"({"logGroupName":"g"})");
  EXPECT_EQ(Messages(all), (std::vector<std::string>{"o0 ERROR", "a1 ERROR", "b2 ERROR", "a3",
                                                      "b4 ERROR", "a5 ERROR", "b6"}));
  EXPECT_FALSE(all.HasMember("nextToken"));
  EXPECT_TRUE(all["searchedLogStreams"].IsArray());
  EXPECT_STREQ(all["events"][1]["logStreamName"].GetString(), "a");
  EXPECT_EQ(std::string(all["events"][1]["eventId"].GetString()).size(), 56u);

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto out = Ok("FilterLogEvents",
                  R"({"logGroupName":"g","logStreamNames":["a","b"],)"
                  R"("filterPattern":"ERROR","limit":2)" +
                      (token.empty() ? "" : R"(,"nextToken":)" + Q(token)) + "}");
    for (auto& m : Messages(out)) {
      seen.push_back(m);
    }
    token = out.HasMember("nextToken") ? out["nextToken"].GetString() : "";
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen, (std::vector<std::string>{"a1 ERROR", "b2 ERROR", "b4 ERROR", "a5 ERROR"}));
  EXPECT_EQ(pages, 2);  // no token on the last page, even when it is full

  auto prefixed = Ok("FilterLogEvents", R"({"logGroupName":"g","logStreamNamePrefix":"o"})");
  EXPECT_EQ(Messages(prefixed), (std::vector<std::string>{"o0 ERROR"}));
  auto timed = Ok("FilterLogEvents", R"({"logGroupName":"g","startTime":)" +
                                         std::to_string(t + 2) + R"(,"endTime":)" +
                                         std::to_string(t + 4) + "}");
  EXPECT_EQ(Messages(timed), (std::vector<std::string>{"b2 ERROR", "a3", "b4 ERROR"}));
  EXPECT_EQ(ErrorCode("FilterLogEvents",
                      R"({"logGroupName":"g","logStreamNames":["a"],"logStreamNamePrefix":"a"})"),
            "InvalidParameterException");
  EXPECT_EQ(ErrorCode("FilterLogEvents", R"({"logGroupName":"g","filterPattern":"{ $.a = "})"),
            "InvalidParameterException");
  EXPECT_EQ(ErrorCode("FilterLogEvents", R"({"logGroupName":"nope"})"),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("FilterLogEvents", R"({"logGroupName":"g","nextToken":"junk"})"),
            "InvalidParameterException");
}

TEST_F(LogsServiceTest, FilterLogEventsJsonPattern) {
  Group("g");
  Stream("g", "s");
  Put("g", "s", {{Now(), R"({"level":"ERROR","latency":5})"},
                 {Now(), R"({"level":"INFO","latency":500})"},
                 {Now(), "ERROR plain text"}});
  auto out = Ok("FilterLogEvents",
                R"({"logGroupName":"g",)"
                R"("filterPattern":"{ $.level = \"ERROR\" || $.latency > 100 }"})");
  EXPECT_EQ(out["events"].Size(), 2u);
}

// What `aws logs tail --follow` does: poll with startTime = newest timestamp seen, skipping the
// event ids it already printed at that timestamp. Nothing may repeat or go missing.
TEST_F(LogsServiceTest, TailFollowPollingSeesEveryEventOnce) {
  Group("g");
  Stream("g", "s1");
  Stream("g", "s2");
  std::map<int64_t, std::set<std::string>> seen_ids;
  std::vector<std::string> printed;
  int64_t start = Now() - 10 * kMinute;
  auto poll = [&] {
    std::string token;
    while (true) {
      auto out = Ok("FilterLogEvents", R"({"logGroupName":"g","interleaved":true,"startTime":)" +
                                           std::to_string(start) +
                                           (token.empty() ? "" : R"(,"nextToken":)" + Q(token)) +
                                           R"(,"limit":2})");
      for (const auto& e : out["events"].GetArray()) {
        int64_t ts = e["timestamp"].GetInt64();
        if (seen_ids[ts].insert(e["eventId"].GetString()).second) {
          printed.emplace_back(e["message"].GetString());
        }
      }
      if (!seen_ids.empty()) {
        auto newest = seen_ids.rbegin()->first;
        auto keep = seen_ids.rbegin()->second;
        seen_ids = {{newest, keep}};
      }
      if (!out.HasMember("nextToken")) {
        if (!seen_ids.empty()) {
          start = seen_ids.rbegin()->first;
        }
        return;
      }
      token = out["nextToken"].GetString();
    }
  };
  Put("g", "s1", {{Now(), "one"}, {Now(), "two"}});
  poll();
  Put("g", "s2", {{Now(), "three"}});  // same millisecond as the events already printed
  poll();
  clock_.Advance(5ms);
  Put("g", "s1", {{Now(), "four"}, {Now(), "five"}, {Now(), "six"}});
  poll();
  poll();
  EXPECT_EQ(printed, (std::vector<std::string>{"one", "two", "three", "four", "five", "six"}));
}

// ---- Retention -------------------------------------------------------------------------------

TEST_F(LogsServiceTest, RetentionExpiresAndPurgesEvents) {
  Group("g");
  Stream("g", "s");
  Put("g", "s", {{Now(), "first"}});
  EXPECT_EQ(ErrorCode("PutRetentionPolicy", R"({"logGroupName":"g","retentionInDays":2})"),
            "InvalidParameterException");
  EXPECT_EQ(ErrorCode("PutRetentionPolicy", R"({"logGroupName":"x","retentionInDays":1})"),
            "ResourceNotFoundException");
  Ok("PutRetentionPolicy", R"({"logGroupName":"g","retentionInDays":1})");
  auto described = Ok("DescribeLogGroups", "{}");
  EXPECT_EQ(described["logGroups"][0]["retentionInDays"].GetInt(), 1);
  EXPECT_EQ(described["logGroups"][0]["storedBytes"].GetInt64(), 5);
  clock_.Advance(std::chrono::hours(20));
  Put("g", "s", {{Now(), "second"}});
  clock_.Advance(std::chrono::hours(5));  // "first" is now 25 h old
  auto got = Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s"})");
  EXPECT_EQ(Messages(got), (std::vector<std::string>{"second"}));
  auto filtered = Ok("FilterLogEvents", R"({"logGroupName":"g"})");
  EXPECT_EQ(Messages(filtered), (std::vector<std::string>{"second"}));
  EXPECT_EQ(Ok("DescribeLogGroups", "{}")["logGroups"][0]["storedBytes"].GetInt64(), 6);
  Ok("DeleteRetentionPolicy", R"({"logGroupName":"g"})");
  EXPECT_FALSE(Ok("DescribeLogGroups", "{}")["logGroups"][0].HasMember("retentionInDays"));
}

// ---- Tags ------------------------------------------------------------------------------------

TEST_F(LogsServiceTest, TagsThroughBothApis) {
  Group("g", R"(,"tags":{"a":"1"})");
  Ok("TagLogGroup", R"({"logGroupName":"g","tags":{"b":"2"}})");
  auto tags = Ok("ListTagsLogGroup", R"({"logGroupName":"g"})");
  EXPECT_STREQ(tags["tags"]["a"].GetString(), "1");
  EXPECT_STREQ(tags["tags"]["b"].GetString(), "2");
  Ok("UntagLogGroup", R"({"logGroupName":"g","tags":["a"]})");
  const std::string arn = "arn:aws:logs:us-east-1:000000000000:log-group:g";
  Ok("TagResource", R"({"resourceArn":")" + arn + R"(","tags":{"c":"3"}})");
  Ok("UntagResource", R"({"resourceArn":")" + arn + R"(","tagKeys":["b"]})");
  auto listed = Ok("ListTagsForResource", R"({"resourceArn":")" + arn + R"("})");
  EXPECT_EQ(listed["tags"].MemberCount(), 1u);
  EXPECT_STREQ(listed["tags"]["c"].GetString(), "3");
  EXPECT_EQ(ErrorCode("ListTagsForResource",
                      R"({"resourceArn":"arn:aws:logs:us-east-1:000000000000:log-group:none"})"),
            "ResourceNotFoundException");
  EXPECT_EQ(ErrorCode("ListTagsForResource", R"({"resourceArn":"not-an-arn"})"),
            "InvalidParameterException");
  std::string fifty;
  for (int i = 0; i < 50; ++i) {
    if (!fifty.empty()) {
      fifty += ',';
    }
    fifty.append(Q(Name("k", i))).append(":\"v\"");
  }
  EXPECT_EQ(ErrorCode("TagResource", R"({"resourceArn":")" + arn + R"(","tags":{)" + fifty + "}}"),
            "TooManyTagsException");
  EXPECT_EQ(ErrorCode("TagLogGroup", R"({"logGroupName":"g","tags":{"bad#key":"v"}})"),
            "InvalidParameterException");
}

// ---- Ingest and the Lambda bridge ------------------------------------------------------------

TEST_F(LogsServiceTest, LambdaLinesLandInAutoCreatedGroupAndStream) {
  LambdaLogSink sink(logs_);  // keeps only the service's IngestPort
  lambda::runtime::FunctionConfig fn;
  fn.account = "000000000000";
  fn.region = "us-east-1";
  fn.function_name = "hello";
  const std::string stream = "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef";
  sink.Write(fn, stream, Now(), "START RequestId: r1 Version: $LATEST");
  sink.Write(fn, stream, Now() + 1, "hello from the function");
  sink.Write(fn, stream, Now() + 2, "");
  sink.Write(fn, stream, Now() + 3, "END RequestId: r1");
  ioc_.restart();
  ioc_.poll();
  auto groups = Ok("DescribeLogGroups", R"({"logGroupNamePrefix":"/aws/lambda/"})");
  ASSERT_EQ(groups["logGroups"].Size(), 1u);
  EXPECT_STREQ(groups["logGroups"][0]["logGroupName"].GetString(), "/aws/lambda/hello");
  auto got = Ok("GetLogEvents", R"({"logGroupName":"/aws/lambda/hello","logStreamName":)" +
                                    Q(stream) + R"(,"startFromHead":true})");
  EXPECT_EQ(Messages(got), (std::vector<std::string>{"START RequestId: r1 Version: $LATEST\n",
                                                     "hello from the function\n", "\n",
                                                     "END RequestId: r1\n"}));
  EXPECT_EQ(got["events"][1]["timestamp"].GetInt64(), Now() + 1);

  fn.log_group = "/custom/group";
  sink.Write(fn, stream, Now(), std::string(300 * 1024, 'x'));
  ioc_.restart();
  ioc_.poll();
  auto custom = Ok("GetLogEvents", R"({"logGroupName":"/custom/group","logStreamName":)" +
                                       Q(stream) + R"(,"startFromHead":true})");
  ASSERT_EQ(custom["events"].Size(), 2u);  // split at 256 KB
  EXPECT_EQ(custom["events"][0]["message"].GetStringLength(), 256u * 1024);
}

}  // namespace
}  // namespace nimbus::logs
