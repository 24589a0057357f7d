#include "services/logs/insights/insights_api.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/ids.h"
#include "services/logs/insights/engine.h"
#include "services/logs/insights/query.h"
#include "services/logs/logs_output.h"
#include "services/logs/logs_service.h"

namespace nimbus::logs {
using out::Out;
using rapidjson::Value;

namespace {

constexpr int64_t kDefaultRows = 10000;
constexpr size_t kMaxGroups = 50;
constexpr size_t kMaxQueryLength = 10000;
constexpr int64_t kScanBatch = 1000;
constexpr int64_t kMaxScanBytes = 64LL * 1024 * 1024;
// A bound on what one query reads (records and message bytes), so a query over a huge group
// can neither hold the strand for long nor exhaust memory: events past it are not scanned.
constexpr int64_t kMaxScanRecords = 200000;
constexpr int64_t kMaxScanTotalBytes = 256LL * 1024 * 1024;
constexpr int64_t kFieldsWindowMs = 15 * 60 * 1000;
constexpr int64_t kMaxFieldSample = 10000;
constexpr int64_t kResultsKeptMs = 7LL * 24 * 3600 * 1000;

AwsError QueryNotFound() {
  return AwsError::Sender("ResourceNotFoundException", "Query does not exist.");
}

std::string ToJson(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

std::string StringsJson(const std::vector<std::string>& list) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartArray();
  for (const auto& s : list) {
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  }
  w.EndArray();
  return std::string(sb.GetString(), sb.GetSize());
}

std::vector<std::string> JsonStrings(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  return out::Strings(&d);
}

std::optional<AwsError> CheckLanguage(const std::optional<std::string>& language) {
  if (language && *language != "CWLI") {
    if (*language != "SQL" && *language != "PPL") {
      return errors::Validation(*language, "queryLanguage",
                                "Member must satisfy enum value set: [CWLI, SQL, PPL]");
    }
    return errors::InvalidParameter("Nimbus runs Logs Insights QL (CWLI) queries only, not " +
                                    *language + ".");
  }
  return std::nullopt;
}

}  // namespace

void InsightsApi::Register(OperationTable& t) {
  t.Add("StartQuery", this, &InsightsApi::StartQuery);
  t.Add("GetQueryResults", this, &InsightsApi::GetQueryResults);
  t.Add("StopQuery", this, &InsightsApi::StopQuery);
  t.Add("DescribeQueries", this, &InsightsApi::DescribeQueries);
  t.Add("PutQueryDefinition", this, &InsightsApi::PutQueryDefinition);
  t.Add("DescribeQueryDefinitions", this, &InsightsApi::DescribeQueryDefinitions);
  t.Add("DeleteQueryDefinition", this, &InsightsApi::DeleteQueryDefinition);
  t.Add("GetLogGroupFields", this, &InsightsApi::GetLogGroupFields);
  t.Add("GetLogRecord", this, &InsightsApi::GetLogRecord);
}

Result<LogGroup> InsightsApi::GroupByIdentifier(const RequestContext& ctx,
                                                const std::string& identifier) {
  Result<LogGroup> group = identifier.rfind("arn:", 0) == 0
                               ? logs_.GroupByArn(identifier)
                               : logs_.FindGroup(ctx.scope, identifier);
  if (!group && group.error().code == "ResourceNotFoundException") {
    // AWS (StartQuery): "Log group '<name>' does not exist for account ID '<account>'".
    return AwsError::Sender("ResourceNotFoundException",
                            "Log group '" + identifier + "' does not exist for account ID '" +
                                ctx.scope.account_id + "'");
  }
  return group;
}

Result<Output> InsightsApi::StartQuery(RequestContext& ctx, ParamReader& in) {
  auto name = in.OptString("logGroupName");
  const Value* names_v = in.Value("logGroupNames");
  const Value* ids_v = in.Value("logGroupIdentifiers");
  int64_t start = in.Int("startTime");
  int64_t end = in.Int("endTime");
  std::string query_string = in.String("queryString");
  auto limit = in.OptInt("limit");
  auto language = in.OptString("queryLanguage");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = CheckLanguage(language)) {
    return *e;
  }
  if (auto e = out::CheckLimit(limit, kDefaultRows)) {
    return *e;
  }
  if (query_string.size() > kMaxQueryLength) {
    return errors::Validation("...", "queryString",
                              "Member must have length less than or equal to 10000");
  }
  int given = (name ? 1 : 0) + (names_v ? 1 : 0) + (ids_v ? 1 : 0);
  if (given == 0) {
    return errors::InvalidParameter(
        "Specify either logGroupName, logGroupNames or logGroupIdentifiers.");
  }
  if (given > 1) {
    return errors::InvalidParameter(
        "LogGroupName, LogGroupNames and LogGroupIdentifiers are mutually exclusive "
        "parameters.");
  }
  std::vector<std::string> identifiers =
      name ? std::vector<std::string>{*name} : out::Strings(names_v ? names_v : ids_v);
  if (identifiers.empty()) {
    return errors::Validation("[]", names_v ? "logGroupNames" : "logGroupIdentifiers",
                              "Member must have length greater than or equal to 1");
  }
  if (identifiers.size() > kMaxGroups) {
    return errors::Validation("[...]", names_v ? "logGroupNames" : "logGroupIdentifiers",
                              "Member must have length less than or equal to 50");
  }
  if (start < 0 || end < 0) {
    return errors::Validation(std::to_string(std::min(start, end)),
                              start < 0 ? "startTime" : "endTime",
                              "Member must have value greater than or equal to 0");
  }
  if (end < start) {
    return errors::InvalidParameter("End time should not be before the start time");
  }
  auto query = insights::ParseQuery(query_string);
  if (!query) {
    return query.error();
  }
  std::vector<LogGroup> groups;
  for (const auto& id : identifiers) {
    auto group = GroupByIdentifier(ctx, id);
    if (!group) {
      return group.error();
    }
    groups.push_back(std::move(*group));
  }

  // StartQuery times are epoch seconds; the end second is included whole.
  int64_t lower_ms = start * 1000;
  int64_t upper_ms = end > INT64_MAX / 1000 - 1 ? INT64_MAX : (end + 1) * 1000;
  int64_t created = logs_.NowMs();
  std::vector<insights::Record> records;
  int64_t total_bytes = 0;
  for (const LogGroup& g : groups) {
    Cut lower{lower_ms, 0};
    while (static_cast<int64_t>(records.size()) < kMaxScanRecords &&
           total_bytes < kMaxScanTotalBytes) {
      auto batch = logs_.store_->GroupEvents(g.id, lower, Cut{upper_ms, 0}, kScanBatch,
                                             kMaxScanBytes);
      for (auto& e : batch) {
        insights::Record r;
        r.timestamp = e.timestamp;
        r.ingestion_ms = e.ingestion_ms;
        total_bytes += static_cast<int64_t>(e.message.size());
        r.message = std::move(e.message);
        r.stream = std::move(e.stream_name);
        r.log = g.account + ":" + g.name;
        r.ptr = Base64Encode("ptr/" + std::to_string(g.id) + "/" + std::to_string(e.id));
        records.push_back(std::move(r));
      }
      if (static_cast<int64_t>(batch.size()) < kScanBatch) {
        break;
      }
      lower = Cut::After(batch.back());
    }
  }
  auto run = insights::Run(*query, records, limit.value_or(kDefaultRows));

  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  Value results(rapidjson::kArrayType);
  for (const auto& row : run.rows) {
    Value r(rapidjson::kArrayType);
    for (const auto& [field, value] : row) {
      Value cell(rapidjson::kObjectType);
      cell.AddMember("field", Value(field.c_str(), a), a);
      cell.AddMember("value", Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), a),
                     a);
      r.PushBack(std::move(cell), a);
    }
    results.PushBack(std::move(r), a);
  }
  Value stats(rapidjson::kObjectType);
  stats.AddMember("recordsMatched", static_cast<double>(run.records_matched), a);
  stats.AddMember("recordsScanned", static_cast<double>(run.records_scanned), a);
  stats.AddMember("estimatedRecordsSkipped", 0.0, a);
  stats.AddMember("bytesScanned", run.bytes_scanned, a);
  stats.AddMember("estimatedBytesSkipped", 0.0, a);
  stats.AddMember("logGroupsScanned", static_cast<double>(groups.size()), a);
  doc.AddMember("results", std::move(results), a);
  doc.AddMember("statistics", std::move(stats), a);

  std::vector<std::string> group_names;
  for (const auto& g : groups) {
    group_names.push_back(g.name);
  }
  std::string id = NewUuid();
  // AWS keeps query results for 7 days.
  logs_.store_->db()
      .Prepare("DELETE FROM logs_queries WHERE created_ms < ?1")
      .Bind(1, created - kResultsKeptMs)
      .Run();
  logs_.store_->db()
      .Prepare(
          "INSERT INTO logs_queries(id, account, region, query_string, group_names, status, "
          "created_ms, duration_ms, result) VALUES(?1, ?2, ?3, ?4, ?5, 'Complete', ?6, ?7, ?8)")
      .Bind(1, id)
      .Bind(2, ctx.scope.account_id)
      .Bind(3, ctx.scope.region)
      .Bind(4, query_string)
      .Bind(5, StringsJson(group_names))
      .Bind(6, created)
      .Bind(7, std::max<int64_t>(0, logs_.NowMs() - created))
      .Bind(8, ToJson(doc))
      .Run();
  Out o;
  o.Set("queryId", o.Str(id));
  return o.Take();
}

Result<Output> InsightsApi::GetQueryResults(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("queryId");
  auto max_items = in.OptInt("maxItems");
  auto token = in.OptString("nextToken");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckLimit(max_items, kDefaultRows, "maxItems")) {
    return *e;
  }
  size_t first = 0;
  if (token) {
    auto key = out::Untoken(*token, "results/" + id);
    auto n = key ? std::strtoull(key->c_str(), nullptr, 10) : 0;
    if (!key || key->empty() || n == 0) {
      return errors::InvalidNextToken();
    }
    first = static_cast<size_t>(n);
  }
  auto& st = logs_.store_->db().Prepare(
      "SELECT status, result FROM logs_queries WHERE id = ?1 AND account = ?2 AND region = ?3");
  st.Bind(1, id).Bind(2, ctx.scope.account_id).Bind(3, ctx.scope.region);
  if (!st.Step()) {
    return QueryNotFound();
  }
  std::string status = st.Text(0);
  std::string stored = st.Text(1);
  st.Reset();
  Out o;
  rapidjson::Document saved(&o.a());
  saved.Parse(stored.c_str());
  Value results(rapidjson::kArrayType);
  std::optional<size_t> next;
  if (saved.IsObject()) {
    auto all = saved["results"].GetArray();
    size_t end = max_items ? std::min<size_t>(all.Size(), first + static_cast<size_t>(*max_items))
                           : all.Size();
    for (size_t i = first; i < end; ++i) {
      results.PushBack(Value(all[static_cast<rapidjson::SizeType>(i)], o.a()), o.a());
    }
    if (end < all.Size()) {
      next = end;
    }
    o.Set("statistics", Value(saved["statistics"], o.a()));
  }
  o.Set("results", std::move(results));
  if (next) {
    o.Set("nextToken", o.Str(out::Token("results/" + id, std::to_string(*next))));
  }
  o.Set("status", o.Str(status));
  o.Set("queryLanguage", o.Str("CWLI"));
  return o.Take();
}

Result<Output> InsightsApi::StopQuery(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("queryId");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  auto& st = logs_.store_->db().Prepare(
      "SELECT status FROM logs_queries WHERE id = ?1 AND account = ?2 AND region = ?3");
  st.Bind(1, id).Bind(2, ctx.scope.account_id).Bind(3, ctx.scope.region);
  if (!st.Step()) {
    return QueryNotFound();
  }
  std::string status = st.Text(0);
  st.Reset();
  // Queries complete within StartQuery, so there is never a running one left to stop.
  Out o;
  o.Set("success", Value(status == "Running" || status == "Scheduled"));
  return o.Take();
}

Result<Output> InsightsApi::DescribeQueries(RequestContext& ctx, ParamReader& in) {
  auto group = in.OptString("logGroupName");
  auto status = in.OptString("status");
  auto max = in.OptInt("maxResults");
  auto token = in.OptString("nextToken");
  auto language = in.OptString("queryLanguage");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckLimit(max, 1000, "maxResults")) {
    return *e;
  }
  static const std::vector<std::string> kStatuses = {"Scheduled", "Running", "Complete",
                                                     "Failed",    "Cancelled", "Timeout",
                                                     "Unknown"};
  if (status && std::find(kStatuses.begin(), kStatuses.end(), *status) == kStatuses.end()) {
    return errors::Validation(*status, "status",
                              "Member must satisfy enum value set: [Scheduled, Running, "
                              "Complete, Failed, Cancelled, Timeout, Unknown]");
  }
  if (language && *language != "CWLI" && *language != "SQL" && *language != "PPL") {
    return errors::Validation(*language, "queryLanguage",
                              "Member must satisfy enum value set: [CWLI, SQL, PPL]");
  }
  // Newest first; the token is the (created, id) of the last query shown.
  int64_t after_created = INT64_MAX;
  std::string after_id;
  if (token) {
    auto key = out::Untoken(*token, "queries");
    size_t slash = key ? key->find('/') : std::string::npos;
    if (slash == std::string::npos) {
      return errors::InvalidNextToken();
    }
    after_created = std::strtoll(key->substr(0, slash).c_str(), nullptr, 10);
    after_id = key->substr(slash + 1);
  }
  auto& st = logs_.store_->db().Prepare(
      "SELECT id, query_string, group_names, status, created_ms, duration_ms, result "
      "FROM logs_queries WHERE account = ?1 AND region = ?2 AND (created_ms, id) < (?3, ?4) "
      "ORDER BY created_ms DESC, id DESC");
  st.Bind(1, ctx.scope.account_id).Bind(2, ctx.scope.region).Bind(3, after_created);
  st.Bind(4, token ? after_id : std::string("\xff"));
  Out o;
  Value list(rapidjson::kArrayType);
  int64_t page = max.value_or(1000);
  int64_t n = 0;
  bool more = false;
  std::string last;
  bool wrong_language = language && *language != "CWLI";
  while (!wrong_language && st.Step()) {
    auto groups = JsonStrings(st.Text(2));
    if (group && std::find(groups.begin(), groups.end(), *group) == groups.end()) {
      continue;
    }
    if (status && st.Text(3) != *status) {
      continue;
    }
    if (n == page) {
      more = true;
      break;
    }
    Value v(rapidjson::kObjectType);
    o.SetStr(v, "queryLanguage", "CWLI");
    o.SetStr(v, "queryId", st.Text(0));
    o.SetStr(v, "queryString", st.Text(1));
    o.SetStr(v, "status", st.Text(3));
    o.SetInt(v, "createTime", st.Int(4));
    o.SetInt(v, "queryDuration", st.Int(5));
    rapidjson::Document saved;
    saved.Parse(st.Text(6).c_str());
    if (saved.IsObject() && saved.HasMember("statistics")) {
      o.Set(v, "bytesScanned", Value(saved["statistics"]["bytesScanned"].GetDouble()));
    }
    if (!groups.empty()) {
      o.SetStr(v, "logGroupName", groups.front());
    }
    list.PushBack(std::move(v), o.a());
    last = std::to_string(st.Int(4)) + "/" + st.Text(0);
    ++n;
  }
  st.Reset();
  return out::TakePage(o, "queries", std::move(list), more, "queries", last);
}

Result<Output> InsightsApi::PutQueryDefinition(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("name");
  std::string query_string = in.String("queryString");
  auto id = in.OptString("queryDefinitionId");
  auto groups = out::Strings(in.Value("logGroupNames"));
  auto language = in.OptString("queryLanguage");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = CheckLanguage(language)) {
    return *e;
  }
  if (name.empty() || name.size() > 255) {
    return errors::Validation(name, "name",
                              name.empty() ? "Member must have length greater than or equal to 1"
                                           : "Member must have length less than or equal to 255");
  }
  if (query_string.empty() || query_string.size() > kMaxQueryLength) {
    return errors::Validation(query_string.empty() ? "" : "...", "queryString",
                              query_string.empty()
                                  ? "Member must have length greater than or equal to 1"
                                  : "Member must have length less than or equal to 10000");
  }
  auto& db = logs_.store_->db();
  if (id) {
    auto& st = db.Prepare(
        "SELECT 1 FROM logs_query_definitions WHERE id = ?1 AND account = ?2 AND region = ?3");
    st.Bind(1, *id).Bind(2, ctx.scope.account_id).Bind(3, ctx.scope.region);
    bool found = st.Step();
    st.Reset();
    if (!found) {
      return AwsError::Sender("ResourceNotFoundException", "Query definition does not exist.");
    }
  }
  std::string definition_id = id ? *id : NewUuid();
  db.Prepare(
        "INSERT INTO logs_query_definitions(id, account, region, name, query_string, "
        "group_names, modified_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO "
        "UPDATE SET name = excluded.name, query_string = excluded.query_string, "
        "group_names = excluded.group_names, modified_ms = excluded.modified_ms")
      .Bind(1, definition_id)
      .Bind(2, ctx.scope.account_id)
      .Bind(3, ctx.scope.region)
      .Bind(4, name)
      .Bind(5, query_string)
      .Bind(6, StringsJson(groups))
      .Bind(7, logs_.NowMs())
      .Run();
  Out o;
  o.Set("queryDefinitionId", o.Str(definition_id));
  return o.Take();
}

Result<Output> InsightsApi::DescribeQueryDefinitions(RequestContext& ctx, ParamReader& in) {
  std::string prefix = in.String("queryDefinitionNamePrefix");
  auto max = in.OptInt("maxResults");
  auto token = in.OptString("nextToken");
  auto language = in.OptString("queryLanguage");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckLimit(max, 1000, "maxResults")) {
    return *e;
  }
  std::string after_name, after_id;
  if (token) {
    auto key = out::Untoken(*token, "query-definitions");
    size_t nl = key ? key->find('\n') : std::string::npos;
    if (nl == std::string::npos) {
      return errors::InvalidNextToken();
    }
    after_name = key->substr(0, nl);
    after_id = key->substr(nl + 1);
  }
  auto& st = logs_.store_->db().Prepare(
      "SELECT id, name, query_string, group_names, modified_ms FROM logs_query_definitions "
      "WHERE account = ?1 AND region = ?2 AND substr(name, 1, length(?3)) = ?3 "
      "AND (name, id) > (?4, ?5) ORDER BY name, id");
  st.Bind(1, ctx.scope.account_id).Bind(2, ctx.scope.region).Bind(3, prefix);
  st.Bind(4, after_name).Bind(5, after_id);
  Out o;
  Value list(rapidjson::kArrayType);
  int64_t page = max.value_or(1000);
  int64_t n = 0;
  bool more = false;
  std::string last;
  bool wrong_language = language && *language != "CWLI";
  while (!wrong_language && st.Step()) {
    if (n == page) {
      more = true;
      break;
    }
    Value v(rapidjson::kObjectType);
    o.SetStr(v, "queryLanguage", "CWLI");
    o.SetStr(v, "queryDefinitionId", st.Text(0));
    o.SetStr(v, "name", st.Text(1));
    o.SetStr(v, "queryString", st.Text(2));
    o.SetInt(v, "lastModified", st.Int(4));
    auto groups = JsonStrings(st.Text(3));
    if (!groups.empty()) {
      Value g(rapidjson::kArrayType);
      for (const auto& s : groups) {
        g.PushBack(o.Str(s), o.a());
      }
      o.Set(v, "logGroupNames", std::move(g));
    }
    list.PushBack(std::move(v), o.a());
    last = st.Text(1) + "\n" + st.Text(0);
    ++n;
  }
  st.Reset();
  return out::TakePage(o, "queryDefinitions", std::move(list), more, "query-definitions", last);
}

Result<Output> InsightsApi::DeleteQueryDefinition(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("queryDefinitionId");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  auto& db = logs_.store_->db();
  db.Prepare("DELETE FROM logs_query_definitions WHERE id = ?1 AND account = ?2 AND region = ?3")
      .Bind(1, id)
      .Bind(2, ctx.scope.account_id)
      .Bind(3, ctx.scope.region)
      .Run();
  if (db.Changes() == 0) {
    return AwsError::Sender("ResourceNotFoundException", "Query definition does not exist.");
  }
  Out o;
  o.Set("success", Value(true));
  return o.Take();
}

Result<Output> InsightsApi::GetLogGroupFields(RequestContext& ctx, ParamReader& in) {
  auto time = in.OptInt("time");
  auto group = logs_.ResolveGroup(ctx, in, true);
  if (!group) {
    return group.error();
  }
  int64_t at_ms = time ? *time * 1000 : logs_.NowMs();
  auto events = logs_.store_->GroupEvents(group->id, Cut{at_ms - kFieldsWindowMs, 0},
                                          Cut{at_ms + 1000, 0}, kMaxFieldSample, kMaxScanBytes);
  std::map<std::string, int64_t> counts;
  for (const auto& e : events) {
    std::map<std::string, bool> seen;
    for (const auto& [name, v] : insights::DiscoverFields(e.message)) {
      seen[name] = true;
    }
    for (const auto& [name, unused] : seen) {
      ++counts[name];
    }
  }
  Out o;
  Value list(rapidjson::kArrayType);
  auto add = [&](const std::string& name, int64_t count) {
    Value v(rapidjson::kObjectType);
    o.SetStr(v, "name", name);
    o.SetInt(v, "percent",
             events.empty() ? 0 : count * 100 / static_cast<int64_t>(events.size()));
    list.PushBack(std::move(v), o.a());
  };
  if (!events.empty()) {
    for (const char* system : {"@ingestionTime", "@log", "@logStream", "@message", "@timestamp"}) {
      add(system, static_cast<int64_t>(events.size()));
    }
  }
  for (const auto& [name, count] : counts) {
    add(name, count);
  }
  o.Set("logGroupFields", std::move(list));
  return o.Take();
}

}  // namespace nimbus::logs

namespace nimbus::logs {

Result<Output> InsightsApi::GetLogRecord(RequestContext& ctx, ParamReader& in) {
  std::string pointer = in.String("logRecordPointer");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  // @ptr is base64 of "ptr/<group id>/<event id>" (see StartQuery).
  auto raw = out::Untoken(pointer, "ptr");
  size_t slash = raw ? raw->find('/') : std::string::npos;
  if (slash == std::string::npos) {
    return errors::InvalidParameter("The specified log record pointer is not valid.");
  }
  int64_t group_id = std::strtoll(raw->substr(0, slash).c_str(), nullptr, 10);
  int64_t event_id = std::strtoll(raw->substr(slash + 1).c_str(), nullptr, 10);
  auto& st = logs_.store_->db().Prepare(
      "SELECT e.timestamp, e.ingestion_ms, e.message, s.name, g.name "
      "FROM logs_events e JOIN logs_streams s ON s.id = e.stream_id "
      "JOIN logs_groups g ON g.id = e.group_id "
      "WHERE e.id = ?1 AND e.group_id = ?2 AND g.account = ?3 AND g.region = ?4");
  st.Bind(1, event_id).Bind(2, group_id).Bind(3, ctx.scope.account_id).Bind(4, ctx.scope.region);
  if (!st.Step()) {
    return AwsError::Sender("ResourceNotFoundException", "The specified log record does not exist.");
  }
  int64_t timestamp = st.Int(0);
  int64_t ingestion = st.Int(1);
  std::string message = st.Text(2);
  std::string stream = st.Text(3);
  std::string group = st.Text(4);
  st.Reset();
  Out o;
  Value record(rapidjson::kObjectType);
  // Discovered fields first; the system fields win over a JSON member of the same name.
  for (const auto& [name, v] : insights::DiscoverFields(message)) {
    std::string text = v.kind == insights::Val::Kind::kStr ? v.s : [&] {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.n);
      return ec == std::errc() ? std::string(buf, end) : std::string();
    }();
    if (!record.HasMember(name.c_str())) {
      record.AddMember(o.Str(name), o.Str(text), o.a());
    }
  }
  auto set = [&](const char* key, const std::string& value) {
    if (record.HasMember(key)) {
      record.RemoveMember(key);
    }
    record.AddMember(o.Str(key), o.Str(value), o.a());
  };
  set("@timestamp", std::to_string(timestamp));
  set("@ingestionTime", std::to_string(ingestion));
  set("@message", message);
  set("@logStream", stream);
  set("@log", ctx.scope.account_id + ":" + group);
  o.Set("logRecord", std::move(record));
  return o.Take();
}

}  // namespace nimbus::logs
