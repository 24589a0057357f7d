#include "services/logs/metric_filters.h"

#include <cmath>
#include <cstdlib>
#include <algorithm>
#include <iterator>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/logs/filter_pattern.h"
#include "services/logs/logs_output.h"
#include "services/logs/logs_service.h"

namespace nimbus::logs {
using out::Out;
using rapidjson::Value;

namespace {

// AWS quotas and constraints.
constexpr int64_t kMaxFiltersPerGroup = 100;
constexpr size_t kMaxPatternLength = 1024;
constexpr size_t kMaxDimensions = 3;
constexpr size_t kMaxTestMessages = 50;

constexpr std::string_view kUnits[] = {
    "Seconds",          "Microseconds",     "Milliseconds",     "Bytes",
    "Kilobytes",        "Megabytes",        "Gigabytes",        "Terabytes",
    "Bits",             "Kilobits",         "Megabits",         "Gigabits",
    "Terabits",         "Percent",          "Count",            "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
    "Bits/Second",      "Kilobits/Second",  "Megabits/Second",  "Gigabits/Second",
    "Terabits/Second",  "Count/Second",     "None"};

bool IsUnit(std::string_view unit) {
  return std::find(std::begin(kUnits), std::end(kUnits), unit) != std::end(kUnits);
}

std::string Str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// AWS metric names and namespaces: 1-255 characters without ':', '*' or '$'.
std::optional<AwsError> CheckMetricName(const std::string& value, const std::string& member) {
  if (value.empty()) {
    return errors::Validation(value, member, "Member must have length greater than or equal to 1");
  }
  if (value.size() > 255) {
    return errors::Validation(value, member, "Member must have length less than or equal to 255");
  }
  if (value.find_first_of(":*$") != std::string::npos) {
    return errors::Validation(value, member,
                              "Member must satisfy regular expression pattern: [^:*$]*");
  }
  return std::nullopt;
}

bool IsNumber(const std::string& s) {
  if (s.empty()) {
    return false;
  }
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(v);
}

// A metric value or dimension value names a field: `$name` (space-delimited) or `$.path`
// (JSON).
bool IsFieldRef(const std::string& s) { return s.size() > 1 && s[0] == '$'; }

// Validates the transformations and returns them re-serialized for storage.
Result<std::string> ReadTransformations(const Value* list) {
  const std::string member = "metricTransformations";
  if (list == nullptr || !list->IsArray() || list->Empty()) {
    return errors::Validation("[]", member, "Member must have length greater than or equal to 1");
  }
  if (list->Size() > 1) {
    return errors::Validation("[...]", member, "Member must have length less than or equal to 1");
  }
  const Value& t = (*list)[0];
  std::string prefix = member + ".1.member.";
  auto get = [&](const char* key) -> std::string {
    return t.IsObject() && t.HasMember(key) && t[key].IsString() ? Str(t[key]) : "";
  };
  std::string name = get("metricName");
  std::string ns = get("metricNamespace");
  std::string value = get("metricValue");
  std::string unit = get("unit");
  if (auto e = CheckMetricName(name, prefix + "metricName")) {
    return *e;
  }
  if (auto e = CheckMetricName(ns, prefix + "metricNamespace")) {
    return *e;
  }
  if (value.empty() || value.size() > 100) {
    return errors::Validation(value, prefix + "metricValue",
                              value.empty() ? "Member must have length greater than or equal to 1"
                                            : "Member must have length less than or equal to 100");
  }
  if (!IsNumber(value) && !IsFieldRef(value)) {
    return errors::InvalidParameter("Invalid metric value: " + value);
  }
  if (!unit.empty() && !IsUnit(unit)) {
    return errors::Validation(unit, prefix + "unit",
                              "Member must satisfy enum value set: [Seconds, Microseconds, "
                              "Milliseconds, Bytes, Kilobytes, Megabytes, Gigabytes, Terabytes, "
                              "Bits, Kilobits, Megabits, Gigabits, Terabits, Percent, Count, "
                              "Bytes/Second, Kilobytes/Second, Megabytes/Second, "
                              "Gigabytes/Second, Terabytes/Second, Bits/Second, "
                              "Kilobits/Second, Megabits/Second, Gigabits/Second, "
                              "Terabits/Second, Count/Second, None]");
  }
  bool has_default = t.IsObject() && t.HasMember("defaultValue");
  if (has_default && !t["defaultValue"].IsNumber()) {
    return errors::InvalidParameter("defaultValue must be a number");
  }
  const Value* dims = t.IsObject() && t.HasMember("dimensions") ? &t["dimensions"] : nullptr;
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("metricName");
  w.String(name.c_str());
  w.Key("metricNamespace");
  w.String(ns.c_str());
  w.Key("metricValue");
  w.String(value.c_str());
  if (has_default) {
    w.Key("defaultValue");
    w.Double(t["defaultValue"].GetDouble());
  }
  if (dims != nullptr && dims->IsObject() && dims->MemberCount() > 0) {
    if (dims->MemberCount() > kMaxDimensions) {
      return errors::InvalidParameter("A metric transformation can have at most " +
                                      std::to_string(kMaxDimensions) + " dimensions.");
    }
    // AWS: "If you specify a dimension, you can't specify a default value."
    if (has_default) {
      return errors::InvalidParameter(
          "You cannot specify a default value for a metric transformation with dimensions.");
    }
    w.Key("dimensions");
    w.StartObject();
    for (auto it = dims->MemberBegin(); it != dims->MemberEnd(); ++it) {
      if (!it->value.IsString() || !IsFieldRef(Str(it->value))) {
        return errors::InvalidParameter("Dimension values must be fields of the filter pattern: " +
                                        Str(it->name));
      }
      w.Key(it->name.GetString(), it->name.GetStringLength());
      w.String(it->value.GetString(), it->value.GetStringLength());
    }
    w.EndObject();
  }
  if (!unit.empty()) {
    w.Key("unit");
    w.String(unit.c_str());
  }
  w.EndObject();
  std::string stored = "[" + std::string(sb.GetString(), sb.GetSize()) + "]";
  return Result<std::string>(boost::system::in_place_value, std::move(stored));
}

}  // namespace

void MetricFilters::Register(OperationTable& t) {
  t.Add("PutMetricFilter", this, &MetricFilters::Put);
  t.Add("DescribeMetricFilters", this, &MetricFilters::Describe);
  t.Add("DeleteMetricFilter", this, &MetricFilters::Delete);
  t.Add("TestMetricFilter", this, &MetricFilters::Test);
}

Result<Output> MetricFilters::Put(RequestContext& ctx, ParamReader& in) {
  std::string group_name = in.String("logGroupName");
  std::string name = in.String("filterName");
  std::string pattern = in.String("filterPattern");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckFilterName(name, "filterName")) {
    return *e;
  }
  if (pattern.size() > kMaxPatternLength) {
    return errors::Validation(pattern, "filterPattern",
                              "Member must have length less than or equal to 1024");
  }
  auto transformations = ReadTransformations(in.Value("metricTransformations"));
  if (!transformations) {
    return transformations.error();
  }
  auto parsed = FilterPattern::Parse(pattern);
  if (!parsed) {
    return parsed.error();
  }
  auto group = logs_.FindGroup(ctx.scope, group_name);
  if (!group) {
    return group.error();
  }
  auto& db = logs_.store_->db();
  auto& exists = db.Prepare(
      "SELECT (SELECT count(*) FROM logs_metric_filters WHERE group_id = ?1), "
      "(SELECT count(*) FROM logs_metric_filters WHERE group_id = ?1 AND name = ?2)");
  exists.Bind(1, group->id).Bind(2, name);
  exists.Step();
  int64_t count = exists.Int(0);
  bool update = exists.Int(1) > 0;
  exists.Reset();
  if (!update && count >= kMaxFiltersPerGroup) {
    return AwsError::Sender("LimitExceededException", "Resource limit exceeded.");
  }
  db.Prepare(
        "INSERT INTO logs_metric_filters(group_id, name, pattern, transformations, created_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(group_id, name) DO UPDATE SET "
        "pattern = excluded.pattern, transformations = excluded.transformations")
      .Bind(1, group->id)
      .Bind(2, name)
      .Bind(3, pattern)
      .Bind(4, *transformations)
      .Bind(5, logs_.NowMs())
      .Run();
  return out::Empty();
}

Result<Output> MetricFilters::Describe(RequestContext& ctx, ParamReader& in) {
  auto group_name = in.OptString("logGroupName");
  std::string prefix = in.String("filterNamePrefix");
  auto metric_name = in.OptString("metricName");
  auto metric_ns = in.OptString("metricNamespace");
  auto limit = in.OptInt("limit");
  auto token = in.OptString("nextToken");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckLimit(limit, 50)) {
    return *e;
  }
  // AWS: the name prefix is used only together with a group ("CloudWatch Logs uses the value
  // that you set here only if you also include the logGroupName parameter"); a metric name
  // needs its namespace and the other way round.
  if (!group_name) {
    prefix.clear();
  }
  if (metric_name.has_value() != metric_ns.has_value()) {
    return errors::InvalidParameter(
        "If metricName or metricNamespace is specified, both must be specified.");
  }
  // "The results are ASCII-sorted by filter name" (then by group, for filters of the same name
  // in several groups).
  std::string after_name, after_group;
  if (token) {
    auto key = out::Untoken(*token, "metric-filters");
    size_t nl = key ? key->find('\n') : std::string::npos;
    if (nl == std::string::npos) {
      return errors::InvalidNextToken();
    }
    after_name = key->substr(0, nl);
    after_group = key->substr(nl + 1);
  }
  int64_t group_id = 0;
  if (group_name) {
    auto group = logs_.FindGroup(ctx.scope, *group_name);
    if (!group) {
      return group.error();
    }
    group_id = group->id;
  }
  auto& st = logs_.store_->db().Prepare(
      "SELECT g.name, m.name, m.pattern, m.transformations, m.created_ms "
      "FROM logs_metric_filters m JOIN logs_groups g ON g.id = m.group_id "
      "WHERE g.account = ?1 AND g.region = ?2 AND (?3 = 0 OR g.id = ?3) "
      "AND substr(m.name, 1, length(?4)) = ?4 AND (m.name, g.name) > (?5, ?6) "
      "ORDER BY m.name, g.name");
  st.Bind(1, ctx.scope.account_id).Bind(2, ctx.scope.region).Bind(3, group_id);
  st.Bind(4, prefix).Bind(5, after_name).Bind(6, after_group);
  Out o;
  Value list(rapidjson::kArrayType);
  int64_t page = limit.value_or(50);
  int64_t n = 0;
  std::string last_group, last_name;
  bool more = false;
  while (st.Step()) {
    rapidjson::Document tr(&o.a());
    tr.Parse(st.Text(3).c_str());
    if (!tr.IsArray()) {
      continue;
    }
    if (metric_name) {
      bool hit = false;
      for (const auto& t : tr.GetArray()) {
        hit = hit || (Str(t["metricName"]) == *metric_name &&
                      Str(t["metricNamespace"]) == *metric_ns);
      }
      if (!hit) {
        continue;
      }
    }
    if (n == page) {
      more = true;
      break;
    }
    Value v(rapidjson::kObjectType);
    last_group = st.Text(0);
    last_name = st.Text(1);
    o.SetStr(v, "filterName", last_name);
    o.SetStr(v, "filterPattern", st.Text(2));
    o.Set(v, "metricTransformations", Value(tr, o.a()));
    o.SetInt(v, "creationTime", st.Int(4));
    o.SetStr(v, "logGroupName", last_group);
    o.Set(v, "applyOnTransformedLogs", Value(false));
    list.PushBack(std::move(v), o.a());
    ++n;
  }
  st.Reset();
  return out::TakePage(o, "metricFilters", std::move(list), more, "metric-filters",
                       last_name + "\n" + last_group);
}

Result<Output> MetricFilters::Delete(RequestContext& ctx, ParamReader& in) {
  std::string group_name = in.String("logGroupName");
  std::string name = in.String("filterName");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckFilterName(name, "filterName")) {
    return *e;
  }
  auto group = logs_.FindGroup(ctx.scope, group_name);
  if (!group) {
    return group.error();
  }
  auto& db = logs_.store_->db();
  db.Prepare("DELETE FROM logs_metric_filters WHERE group_id = ?1 AND name = ?2")
      .Bind(1, group->id)
      .Bind(2, name)
      .Run();
  if (db.Changes() == 0) {
    return AwsError::Sender("ResourceNotFoundException",
                            "The specified metric filter does not exist.");
  }
  return out::Empty();
}

Result<Output> MetricFilters::Test(RequestContext&, ParamReader& in) {
  std::string pattern = in.String("filterPattern");
  const Value* messages = in.Value("logEventMessages");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (pattern.size() > kMaxPatternLength) {
    return errors::Validation(pattern, "filterPattern",
                              "Member must have length less than or equal to 1024");
  }
  if (messages == nullptr || !messages->IsArray() || messages->Empty()) {
    return errors::Validation("[]", "logEventMessages",
                              "Member must have length greater than or equal to 1");
  }
  if (messages->Size() > kMaxTestMessages) {
    return errors::Validation("[...]", "logEventMessages",
                              "Member must have length less than or equal to 50");
  }
  auto parsed = FilterPattern::Parse(pattern);
  if (!parsed) {
    return parsed.error();
  }
  Out o;
  Value matches(rapidjson::kArrayType);
  int64_t number = 0;
  for (const auto& m : messages->GetArray()) {
    ++number;
    if (!m.IsString()) {
      continue;
    }
    std::string_view message(m.GetString(), m.GetStringLength());
    FilterPattern::Extracted extracted;
    if (!parsed->Matches(message, &extracted)) {
      continue;
    }
    Value v(rapidjson::kObjectType);
    o.SetInt(v, "eventNumber", number);
    o.SetStr(v, "eventMessage", message);
    Value ex(rapidjson::kObjectType);
    for (const auto& [k, val] : extracted) {
      ex.AddMember(o.Str(k), o.Str(val), o.a());
    }
    o.Set(v, "extractedValues", std::move(ex));
    matches.PushBack(std::move(v), o.a());
  }
  o.Set("matches", std::move(matches));
  return o.Take();
}

}  // namespace nimbus::logs
