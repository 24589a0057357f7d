#include "services/logs/subscription_filters.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/base64.h"
#include "services/logs/gzip.h"
#include "services/logs/logs_output.h"
#include "services/logs/logs_service.h"

namespace nimbus::logs {
namespace asio = boost::asio;
using out::Out;
using rapidjson::Value;

namespace {

// AWS: "You can have two subscription filters per log group."
constexpr size_t kMaxFiltersPerGroup = 2;
constexpr size_t kMaxPatternLength = 1024;
// Raw message bytes per delivery: gzip + base64 of it stays under Lambda's 256 KB limit for
// asynchronous invocations even when the messages do not compress.
constexpr size_t kMaxDeliveryBytes = 180 * 1024;
constexpr size_t kMaxPatternCache = 256;

AwsError CannotExecuteLambda() {
  return errors::InvalidParameter(
      "Could not execute the lambda function. Make sure you have given CloudWatch Logs "
      "permission to execute your function.");
}

std::string Digits(int64_t v, size_t width) {
  std::string s = std::to_string(v < 0 ? 0 : v);
  return s.size() >= width ? s : std::string(width - s.size(), '0') + s;
}

// arn:aws:<service>:<region>:<account>:<resource...>
struct Arn {
  std::string service;
  std::string region;
  std::string account;
  std::string resource;
};

std::optional<Arn> ParseArn(const std::string& arn) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string::npos) {
      return std::nullopt;
    }
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts[0] != "arn" || parts[2].empty()) {
    return std::nullopt;
  }
  return Arn{parts[2], parts[3], parts[4], arn.substr(start)};
}

// The unqualified function ARN of a (possibly version/alias-qualified) Lambda ARN.
std::string UnqualifiedFunction(const std::string& arn) {
  // arn:aws:lambda:region:account:function:name[:qualifier]
  size_t pos = 0;
  for (int i = 0; i < 7 && pos != std::string::npos; ++i) {
    pos = arn.find(':', pos + (i == 0 ? 0 : 1));
  }
  return pos == std::string::npos ? arn : arn.substr(0, pos);
}

bool Glob(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

bool AnyString(const Value& v, const std::function<bool(std::string_view)>& pred) {
  if (v.IsString()) {
    return pred(std::string_view(v.GetString(), v.GetStringLength()));
  }
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      if (e.IsString() && pred(std::string_view(e.GetString(), e.GetStringLength()))) {
        return true;
      }
    }
  }
  return false;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Whether a statement's Condition block holds for a delivery from `group` (the keys Logs
// sets: aws:SourceArn, the group's ARN with ":*", and aws:SourceAccount). Other keys are not
// known to Logs' request context and are taken as satisfied.
bool ConditionHolds(const Value& condition, const LogGroup& group) {
  if (!condition.IsObject()) {
    return true;
  }
  std::string source_arn = group.Arn() + ":*";
  for (auto op = condition.MemberBegin(); op != condition.MemberEnd(); ++op) {
    if (!op->value.IsObject()) {
      continue;
    }
    std::string_view name(op->name.GetString(), op->name.GetStringLength());
    bool like = name.find("Like") != std::string_view::npos;
    for (auto key = op->value.MemberBegin(); key != op->value.MemberEnd(); ++key) {
      std::string_view k(key->name.GetString(), key->name.GetStringLength());
      std::string actual;
      if (IEquals(k, "aws:SourceArn")) {
        actual = source_arn;
      } else if (IEquals(k, "aws:SourceAccount")) {
        actual = group.account;
      } else {
        continue;
      }
      bool ok = AnyString(key->value, [&](std::string_view want) {
        return like ? Glob(want, actual) : want == actual;
      });
      if (!ok) {
        return false;
      }
    }
  }
  return true;
}

// AWS checks that the function's resource policy lets CloudWatch Logs invoke it.
bool PolicyAllowsLogs(const std::string& policy_text, const LogGroup& group) {
  rapidjson::Document doc;
  doc.Parse(policy_text.c_str());
  if (!doc.IsObject() || !doc.HasMember("Statement")) {
    return false;
  }
  const Value& st = doc["Statement"];
  std::vector<const Value*> statements;
  if (st.IsArray()) {
    for (const auto& s : st.GetArray()) {
      statements.push_back(&s);
    }
  } else {
    statements.push_back(&st);
  }
  std::string regional = "logs." + group.region + ".amazonaws.com";
  for (const Value* s : statements) {
    if (!s->IsObject() || !s->HasMember("Effect") || !(*s)["Effect"].IsString() ||
        std::string_view((*s)["Effect"].GetString()) != "Allow") {
      continue;
    }
    bool principal = false;
    if (s->HasMember("Principal")) {
      const Value& p = (*s)["Principal"];
      if (p.IsString()) {
        principal = std::string_view(p.GetString()) == "*";
      } else if (p.IsObject()) {
        if (p.HasMember("Service")) {
          principal = AnyString(p["Service"], [&](std::string_view v) {
            return v == "logs.amazonaws.com" || v == regional;
          });
        }
        if (!principal && p.HasMember("AWS")) {
          principal = AnyString(p["AWS"], [](std::string_view v) { return v == "*"; });
        }
      }
    }
    bool action = s->HasMember("Action") &&
                  AnyString((*s)["Action"], [](std::string_view v) {
                    return IEquals(v, "lambda:InvokeFunction") || IEquals(v, "lambda:*") ||
                           v == "*";
                  });
    bool condition = !s->HasMember("Condition") || ConditionHolds((*s)["Condition"], group);
    if (principal && action && condition) {
      return true;
    }
  }
  return false;
}

void WriteFilterJson(rapidjson::Writer<rapidjson::StringBuffer>& w, std::string_view key,
                     std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::string SubscriptionEventId(int64_t timestamp, int64_t id) {
  return Digits(timestamp, 20) + Digits(id, 36);
}

std::string SubscriptionMessageJson(const std::string& owner, const std::string& group,
                                    const std::string& stream,
                                    const std::vector<std::string>& filters,
                                    const std::vector<DeliveredEvent>& events,
                                    const std::string& policy_level) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  WriteFilterJson(w, "messageType", "DATA_MESSAGE");
  WriteFilterJson(w, "owner", owner);
  WriteFilterJson(w, "logGroup", group);
  WriteFilterJson(w, "logStream", stream);
  w.Key("subscriptionFilters");
  w.StartArray();
  for (const auto& f : filters) {
    w.String(f.c_str(), static_cast<rapidjson::SizeType>(f.size()));
  }
  w.EndArray();
  w.Key("logEvents");
  w.StartArray();
  for (const auto& e : events) {
    w.StartObject();
    WriteFilterJson(w, "id", SubscriptionEventId(e.timestamp, e.id));
    w.Key("timestamp");
    w.Int64(e.timestamp);
    WriteFilterJson(w, "message", e.message);
    w.EndObject();
  }
  w.EndArray();
  if (!policy_level.empty()) {
    WriteFilterJson(w, "policyLevel", policy_level);
  }
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

std::string SubscriptionLambdaPayload(const std::string& message_json) {
  return R"({"awslogs":{"data":")" + Base64Encode(Gzip(message_json)) + R"("}})";
}

void SubscriptionFilters::Register(OperationTable& t) {
  t.Add("PutSubscriptionFilter", this, &SubscriptionFilters::Put);
  t.Add("DescribeSubscriptionFilters", this, &SubscriptionFilters::Describe);
  t.Add("DeleteSubscriptionFilter", this, &SubscriptionFilters::Delete);
}

std::vector<SubscriptionFilters::Filter> SubscriptionFilters::FiltersOf(int64_t group_id) {
  auto& st = logs_.store_->db().Prepare(
      "SELECT name, pattern, destination_arn, role_arn, distribution, created_ms "
      "FROM logs_subscription_filters WHERE group_id = ?1 ORDER BY name");
  st.Bind(1, group_id);
  std::vector<Filter> out;
  while (st.Step()) {
    out.push_back(Filter{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Int(5)});
  }
  return out;
}

const FilterPattern* SubscriptionFilters::Pattern(const std::string& text) {
  auto it = patterns_.find(text);
  if (it == patterns_.end()) {
    auto parsed = FilterPattern::Parse(text);
    if (!parsed) {
      return nullptr;  // checked at PutSubscriptionFilter; never stored unparsable
    }
    if (patterns_.size() >= kMaxPatternCache) {
      patterns_.clear();
    }
    it = patterns_.emplace(text, std::move(*parsed)).first;
  }
  return &it->second;
}

asio::awaitable<std::optional<AwsError>> SubscriptionFilters::CheckDestination(
    const LogGroup& group, const std::string& arn) {
  auto parsed = ParseArn(arn);
  if (!parsed) {
    co_return errors::InvalidParameter("Invalid destination ARN: " + arn);
  }
  if (parsed->service == "lambda") {
    if (parsed->resource.rfind("function:", 0) != 0 || logs_.client_ == nullptr) {
      co_return CannotExecuteLambda();
    }
    rapidjson::Document params(rapidjson::kObjectType);
    params.AddMember("FunctionName", Value(arn.c_str(), params.GetAllocator()),
                     params.GetAllocator());
    Scope scope{parsed->account, parsed->region};
    auto policy = co_await logs_.client_->Call("lambda", "GetPolicy", scope, std::move(params));
    // No function, no policy, or a policy without a statement for Logs: AWS answers the same.
    if (!policy || !policy->IsObject() || !policy->HasMember("Policy") ||
        !(*policy)["Policy"].IsString() ||
        !PolicyAllowsLogs((*policy)["Policy"].GetString(), group)) {
      co_return CannotExecuteLambda();
    }
    co_return std::nullopt;
  }
  if (parsed->service == "logs" && parsed->resource.rfind("destination:", 0) == 0) {
    auto& st = logs_.store_->db().Prepare(
        "SELECT 1 FROM logs_policies WHERE account = ?1 AND region = ?2 AND "
        "kind = 'destination' AND name = ?3");
    st.Bind(1, parsed->account).Bind(2, parsed->region).Bind(3, parsed->resource.substr(12));
    bool found = st.Step();
    st.Reset();
    if (!found) {
      co_return errors::InvalidParameter("The specified destination does not exist: " + arn);
    }
    co_return std::nullopt;
  }
  // Nimbus serves neither Kinesis nor Firehose: AWS's answer when its test message cannot be
  // delivered.
  if (parsed->service == "kinesis") {
    co_return errors::InvalidParameter(
        "Could not deliver test message to specified Kinesis stream. Check if the given kinesis "
        "stream is in ACTIVE state. ");
  }
  if (parsed->service == "firehose") {
    co_return errors::InvalidParameter(
        "Could not deliver test message to specified Firehose stream. Check if the given "
        "Firehose stream is in ACTIVE state.");
  }
  co_return errors::InvalidParameter("Invalid destination ARN: " + arn);
}

asio::awaitable<Result<Output>> SubscriptionFilters::Put(RequestContext& ctx, ParamReader& in) {
  std::string group_name = in.String("logGroupName");
  std::string name = in.String("filterName");
  std::string pattern = in.String("filterPattern");
  std::string destination = in.String("destinationArn");
  std::string role = in.String("roleArn");
  std::string distribution = in.String("distribution", "ByLogStream");
  Scope scope = ctx.scope;
  if (auto e = out::ReaderError(in)) {
    co_return *e;
  }
  if (auto e = out::CheckFilterName(name, "filterName")) {
    co_return *e;
  }
  if (pattern.size() > kMaxPatternLength) {
    co_return errors::Validation(pattern, "filterPattern",
                                 "Member must have length less than or equal to 1024");
  }
  if (destination.empty()) {
    co_return errors::Validation(destination, "destinationArn",
                                 "Member must have length greater than or equal to 1");
  }
  if (distribution != "Random" && distribution != "ByLogStream") {
    co_return errors::Validation(distribution, "distribution",
                                 "Member must satisfy enum value set: [Random, ByLogStream]");
  }
  auto parsed = FilterPattern::Parse(pattern);
  if (!parsed) {
    co_return parsed.error();
  }
  auto group = logs_.FindGroup(scope, group_name);
  if (!group) {
    co_return group.error();
  }
  auto filters = FiltersOf(group->id);
  bool exists = std::any_of(filters.begin(), filters.end(),
                            [&](const Filter& f) { return f.name == name; });
  if (!exists && filters.size() >= kMaxFiltersPerGroup) {
    co_return AwsError::Sender("LimitExceededException", "Resource limit exceeded.");
  }
  LogGroup checked = *group;
  if (auto e = co_await CheckDestination(checked, destination)) {
    co_return *e;
  }
  // The group may have gone while Lambda answered.
  group = logs_.FindGroup(scope, group_name);
  if (!group) {
    co_return group.error();
  }
  filters = FiltersOf(group->id);
  exists = std::any_of(filters.begin(), filters.end(),
                       [&](const Filter& f) { return f.name == name; });
  if (!exists && filters.size() >= kMaxFiltersPerGroup) {
    co_return AwsError::Sender("LimitExceededException", "Resource limit exceeded.");
  }
  logs_.store_->db()
      .Prepare(
          "INSERT INTO logs_subscription_filters(group_id, name, pattern, destination_arn, "
          "role_arn, distribution, created_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
          "ON CONFLICT(group_id, name) DO UPDATE SET pattern = excluded.pattern, "
          "destination_arn = excluded.destination_arn, role_arn = excluded.role_arn, "
          "distribution = excluded.distribution")
      .Bind(1, group->id)
      .Bind(2, name)
      .Bind(3, pattern)
      .Bind(4, destination)
      .Bind(5, role)
      .Bind(6, distribution)
      .Bind(7, logs_.NowMs())
      .Run();
  co_return out::Empty();
}

Result<Output> SubscriptionFilters::Describe(RequestContext& ctx, ParamReader& in) {
  std::string group_name = in.String("logGroupName");
  std::string prefix = in.String("filterNamePrefix");
  auto limit = in.OptInt("limit");
  auto token = in.OptString("nextToken");
  if (auto e = out::ReaderError(in)) {
    return *e;
  }
  if (auto e = out::CheckLimit(limit, 50)) {
    return *e;
  }
  std::string after;
  if (token) {
    auto key = out::Untoken(*token, "subscription-filters");
    if (!key) {
      return errors::InvalidNextToken();
    }
    after = *key;
  }
  auto group = logs_.FindGroup(ctx.scope, group_name);
  if (!group) {
    return group.error();
  }
  Out o;
  Value list(rapidjson::kArrayType);
  int64_t page = limit.value_or(50);
  int64_t n = 0;
  std::string last;
  bool more = false;
  for (const auto& f : FiltersOf(group->id)) {
    if (f.name.rfind(prefix, 0) != 0 || (!after.empty() && f.name <= after)) {
      continue;
    }
    if (n == page) {
      more = true;
      break;
    }
    Value v(rapidjson::kObjectType);
    o.SetStr(v, "filterName", f.name);
    o.SetStr(v, "logGroupName", group->name);
    o.SetStr(v, "filterPattern", f.pattern);
    o.SetStr(v, "destinationArn", f.destination_arn);
    if (!f.role_arn.empty()) {
      o.SetStr(v, "roleArn", f.role_arn);
    }
    o.SetStr(v, "distribution", f.distribution);
    o.Set(v, "applyOnTransformedLogs", Value(false));
    o.SetInt(v, "creationTime", f.created_ms);
    list.PushBack(std::move(v), o.a());
    last = f.name;
    ++n;
  }
  return out::TakePage(o, "subscriptionFilters", std::move(list), more, "subscription-filters",
                       last);
}

Result<Output> SubscriptionFilters::Delete(RequestContext& ctx, ParamReader& in) {
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
  db.Prepare("DELETE FROM logs_subscription_filters WHERE group_id = ?1 AND name = ?2")
      .Bind(1, group->id)
      .Bind(2, name)
      .Run();
  if (db.Changes() == 0) {
    return AwsError::Sender("ResourceNotFoundException",
                            "The specified subscription filter does not exist.");
  }
  return out::Empty();
}

void SubscriptionFilters::Deliver(const LogGroup& group, const std::string& stream,
                                  const std::vector<InputEvent>& events,
                                  const std::vector<int64_t>& ids,
                                  const std::string& origin_function_arn) {
  if (events.empty() || ids.size() != events.size()) {
    return;
  }
  for (const Filter& f : FiltersOf(group.id)) {
    DeliverTo(f, group, stream, events, ids, origin_function_arn, "");
  }
  for (const Filter& f : AccountFiltersFor(group)) {
    DeliverTo(f, group, stream, events, ids, origin_function_arn, "ACCOUNT_LEVEL_POLICY");
  }
}

std::vector<SubscriptionFilters::Filter> SubscriptionFilters::AccountFiltersFor(
    const LogGroup& group) {
  auto& st = logs_.store_->db().Prepare(
      "SELECT name, body FROM logs_policies WHERE account = ?1 AND region = ?2 AND "
      "kind = 'account-policy:SUBSCRIPTION_FILTER_POLICY' ORDER BY name");
  st.Bind(1, group.account).Bind(2, group.region);
  std::vector<Filter> out;
  while (st.Step()) {
    rapidjson::Document body;
    body.Parse(st.Text(1).c_str());
    if (!body.IsObject() || !body.HasMember("policyDocument")) {
      continue;
    }
    // selectionCriteria: `LogGroupName NOT IN ["a", "b"]` (the form AWS accepts) excludes
    // groups, typically the subscriber's own, against recursion.
    if (body.HasMember("selectionCriteria") && body["selectionCriteria"].IsString()) {
      std::string criteria = body["selectionCriteria"].GetString();
      size_t open = criteria.find('[');
      rapidjson::Document names;
      if (open != std::string::npos) {
        names.Parse(criteria.c_str() + open);
      }
      bool excluded = false;
      if (names.IsArray()) {
        for (const auto& n : names.GetArray()) {
          excluded = excluded || (n.IsString() && group.name == n.GetString());
        }
      }
      if (excluded) {
        continue;
      }
    }
    rapidjson::Document doc;
    doc.Parse(body["policyDocument"].GetString());
    if (!doc.IsObject() || !doc.HasMember("DestinationArn") || !doc["DestinationArn"].IsString()) {
      continue;
    }
    Filter f;
    f.name = st.Text(0);
    f.destination_arn = doc["DestinationArn"].GetString();
    if (doc.HasMember("FilterPattern") && doc["FilterPattern"].IsString()) {
      f.pattern = doc["FilterPattern"].GetString();
    }
    out.push_back(std::move(f));
  }
  return out;
}

void SubscriptionFilters::DeliverTo(const Filter& f, const LogGroup& group,
                                    const std::string& stream,
                                    const std::vector<InputEvent>& events,
                                    const std::vector<int64_t>& ids,
                                    const std::string& origin_function_arn,
                                    const std::string& policy_level) {
  if (f.destination_arn.rfind("arn:aws:lambda:", 0) != 0) {
    return;  // Logs destinations (Kinesis/Firehose targets) have nowhere to go in Nimbus
  }
  if (!origin_function_arn.empty() &&
      UnqualifiedFunction(f.destination_arn) == UnqualifiedFunction(origin_function_arn)) {
    return;  // a function's own output never feeds it
  }
  const FilterPattern* pattern = Pattern(f.pattern);
  if (pattern == nullptr) {
    return;
  }
  std::vector<DeliveredEvent> batch;
  size_t bytes = 0;
  auto flush = [&] {
    if (!batch.empty()) {
      Send(f.destination_arn,
           SubscriptionLambdaPayload(SubscriptionMessageJson(
               group.account, group.name, stream, {f.name}, batch, policy_level)));
      batch.clear();
      bytes = 0;
    }
  };
  for (size_t i = 0; i < events.size(); ++i) {
    if (!pattern->Matches(events[i].message)) {
      continue;
    }
    if (!batch.empty() && bytes + events[i].message.size() > kMaxDeliveryBytes) {
      flush();
    }
    batch.push_back(DeliveredEvent{ids[i], events[i].timestamp, events[i].message});
    bytes += events[i].message.size();
  }
  flush();
}

void SubscriptionFilters::Send(std::string function_arn, std::string payload) {
  ServiceClient* client = logs_.client_;
  if (client == nullptr) {
    return;
  }
  auto parsed = ParseArn(function_arn);
  Scope scope;
  if (parsed) {
    scope.account_id = parsed->account;
    scope.region = parsed->region;
  }
  asio::co_spawn(
      logs_.strand_,
      [client, scope, function_arn = std::move(function_arn),
       payload = std::move(payload)]() -> asio::awaitable<void> {
        rapidjson::Document params(rapidjson::kObjectType);
        auto& a = params.GetAllocator();
        params.AddMember("FunctionName", Value(function_arn.c_str(), a), a);
        params.AddMember("InvocationType", "Event", a);
        params.AddMember("Payload",
                         Value(payload.data(), static_cast<rapidjson::SizeType>(payload.size()), a),
                         a);
        auto r = co_await client->Call("lambda", "Invoke", scope, std::move(params));
        if (!r) {
          std::fprintf(stderr, "nimbus: logs: subscription delivery to %s failed: %s %s\n",
                       function_arn.c_str(), r.error().code.c_str(), r.error().message.c_str());
        }
      },
      asio::detached);
}

}  // namespace nimbus::logs
