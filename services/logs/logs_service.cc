#include "services/logs/logs_service.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include <boost/asio/post.hpp>

#include "services/common/base64.h"
#include "services/logs/filter_pattern.h"
#include "services/logs/insights/insights_api.h"
#include "services/logs/logs_admin.h"
#include "services/logs/logs_errors.h"
#include "services/logs/logs_output.h"
#include "services/logs/metric_filters.h"
#include "services/logs/subscription_filters.h"

namespace nimbus::logs {
namespace asio = boost::asio;
using rapidjson::Value;

namespace {

constexpr int64_t kHourMs = 3600LL * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kMaxBatchBytes = 1048576;
constexpr int64_t kEventOverheadBytes = 26;
constexpr int64_t kMaxBatchEvents = 10000;
constexpr int64_t kMaxResponseBytes = 1048576;
constexpr int64_t kDefaultEventsLimit = 10000;
constexpr int64_t kScanBatch = 1000;
constexpr std::chrono::milliseconds kScanBudget{100};
constexpr size_t kMaxNameLength = 512;
constexpr std::array<int, 22> kRetentionDays = {1,   3,   5,    7,    14,   30,   60,   90,
                                                120, 150, 180,  365,  400,  545,  731,  1096,
                                                1827, 2192, 2557, 2922, 3288, 3653};
constexpr Cut kEnd{INT64_MAX, 0};

// The shared Logs output helpers (logs_output.h).
using out::CheckLimit;
using out::Empty;
using out::Out;
using out::ReaderError;

std::string Digits(int64_t v, int width) {
  std::string s = std::to_string(v < 0 ? 0 : v);
  return s.size() >= static_cast<size_t>(width) ? s : std::string(width - s.size(), '0') + s;
}

std::optional<int64_t> ParseDigits(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) {
    return std::nullopt;
  }
  return v;
}

std::optional<AwsError> CheckLength(const std::string& value, const char* member) {
  if (value.empty()) {
    return errors::Validation(value, member, "Member must have length greater than or equal to 1");
  }
  if (value.size() > kMaxNameLength) {
    return errors::Validation(value, member,
                              "Member must have length less than or equal to 512");
  }
  return std::nullopt;
}

// AWS: log group names are 1-512 of [\.\-_/#A-Za-z0-9].
std::optional<AwsError> CheckGroupName(const std::string& name, const char* member) {
  if (auto e = CheckLength(name, member)) {
    return e;
  }
  bool ok = std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '/' || c == '#';
  });
  if (!ok) {
    return errors::Validation(name, member,
                              "Member must satisfy regular expression pattern: "
                              "[\\.\\-_/#A-Za-z0-9]+");
  }
  return std::nullopt;
}

// AWS: log stream names are 1-512 characters without ':' or '*'.
std::optional<AwsError> CheckStreamName(const std::string& name, const char* member) {
  if (auto e = CheckLength(name, member)) {
    return e;
  }
  if (name.find_first_of(":*") != std::string::npos) {
    return errors::Validation(name, member,
                              "Member must satisfy regular expression pattern: [^:*]*");
  }
  return std::nullopt;
}

// AWS tag keys: 1-128 of [\p{L}\p{Z}\p{N}_.:/=+\-@]; values: 0-256 of the same.
bool ValidTagText(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return c >= 0x80 || std::isalnum(c) || c == ' ' || c == '_' || c == '.' || c == ':' ||
           c == '/' || c == '=' || c == '+' || c == '-' || c == '@';
  });
}

Result<Tags> ReadTags(const Value* map, const char* member) {
  Tags out;
  if (map == nullptr) {
    return out;
  }
  if (!map->IsObject()) {
    return errors::InvalidParameter(std::string("Value for parameter ") + member +
                                    " must be a map");
  }
  for (auto it = map->MemberBegin(); it != map->MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    if (!it->value.IsString()) {
      return errors::InvalidParameter("Tag values must be strings");
    }
    std::string value(it->value.GetString(), it->value.GetStringLength());
    if (key.empty() || key.size() > 128 || !ValidTagText(key)) {
      return errors::Validation(key, std::string(member) + ".key",
                                "Member must satisfy regular expression pattern: "
                                "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$");
    }
    if (value.size() > 256 || !ValidTagText(value)) {
      return errors::Validation(value, std::string(member) + ".value",
                                "Member must satisfy regular expression pattern: "
                                "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");
    }
    out[key] = value;
  }
  return out;
}

std::vector<std::string> StringList(const Value* list) {
  std::vector<std::string> out;
  if (list != nullptr && list->IsArray()) {
    for (const auto& v : list->GetArray()) {
      if (v.IsString()) {
        out.emplace_back(v.GetString(), v.GetStringLength());
      }
    }
  }
  return out;
}

Value TagsValue(Out& out, const Tags& tags) {
  Value map(rapidjson::kObjectType);
  for (const auto& [k, v] : tags) {
    map.AddMember(out.Str(k), out.Str(v), out.a());
  }
  return map;
}

// ---- Paging tokens ---------------------------------------------------------------------------
// DescribeLogGroups/DescribeLogStreams/FilterLogEvents tokens are opaque base64 strings naming
// where the next page starts; GetLogEvents' look like AWS's: f/ or b/ and 56 digits
// (timestamp, event id, stream id).

std::string EncodeToken(const std::string& raw) { return Base64Encode(raw); }

std::optional<std::string> DecodeToken(const std::string& token, std::string_view kind) {
  auto raw = Base64Decode(token);
  if (!raw || raw->rfind(std::string(kind) + "/", 0) != 0) {
    return std::nullopt;
  }
  return raw->substr(kind.size() + 1);
}

std::string StreamToken(char dir, Cut cut, int64_t stream_id) {
  return std::string(1, dir) + "/" + Digits(cut.timestamp, 20) + Digits(cut.id, 20) +
         Digits(stream_id, 16);
}

struct StreamPosition {
  char dir;
  Cut cut;
};

std::optional<StreamPosition> ParseStreamToken(const std::string& token, int64_t stream_id) {
  if (token.size() != 58 || (token[0] != 'f' && token[0] != 'b') || token[1] != '/') {
    return std::nullopt;
  }
  std::string_view d(token.data() + 2, 56);
  auto ts = ParseDigits(d.substr(0, 20));
  auto id = ParseDigits(d.substr(20, 20));
  auto sid = ParseDigits(d.substr(40, 16));
  if (!ts || !id || !sid || *sid != stream_id) {
    return std::nullopt;
  }
  return StreamPosition{token[0], Cut{*ts, *id}};
}

std::string EventId(const LogEvent& e) { return Digits(e.timestamp, 20) + Digits(e.id, 36); }

std::string SequenceToken(int64_t stream_id, int64_t sequence) {
  return Digits(stream_id, 20) + Digits(sequence, 36);
}

Cut MaxCut(Cut a, Cut b) {
  return std::tie(a.timestamp, a.id) >= std::tie(b.timestamp, b.id) ? a : b;
}
Cut MinCut(Cut a, Cut b) {
  return std::tie(a.timestamp, a.id) <= std::tie(b.timestamp, b.id) ? a : b;
}

int64_t EventBytes(const LogEvent& e) {
  return static_cast<int64_t>(e.message.size()) + kEventOverheadBytes;
}

// arn:aws:logs:<region>:<account>:log-group:<name>[:*]
struct GroupArn {
  std::string region;
  std::string account;
  std::string name;
};

std::optional<GroupArn> ParseGroupArn(const std::string& arn) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 6; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string::npos) {
      return std::nullopt;
    }
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group") {
    return std::nullopt;
  }
  std::string name = arn.substr(start);
  if (name.size() >= 2 && name.compare(name.size() - 2, 2, ":*") == 0) {
    name.resize(name.size() - 2);
  }
  if (name.empty()) {
    return std::nullopt;
  }
  return GroupArn{parts[3], parts[4], name};
}

void WriteGroup(Out& out, Value& list, const LogGroup& g, bool pattern_only) {
  Value v(rapidjson::kObjectType);
  out.SetStr(v, "logGroupName", g.name);
  out.SetInt(v, "creationTime", g.created_ms);
  if (!pattern_only) {
    if (g.retention_days) {
      out.SetInt(v, "retentionInDays", *g.retention_days);
    }
    out.SetInt(v, "metricFilterCount", g.metric_filter_count);
  }
  out.SetStr(v, "arn", g.Arn() + ":*");
  if (!pattern_only) {
    out.SetInt(v, "storedBytes", g.stored_bytes);
    if (!g.kms_key_id.empty()) {
      out.SetStr(v, "kmsKeyId", g.kms_key_id);
    }
    out.SetStr(v, "logGroupClass", g.log_group_class);
    out.SetStr(v, "logGroupArn", g.Arn());
  }
  list.PushBack(std::move(v), out.a());
}

void WriteStream(Out& out, Value& list, const LogGroup& g, const LogStream& s) {
  Value v(rapidjson::kObjectType);
  out.SetStr(v, "logStreamName", s.name);
  out.SetInt(v, "creationTime", s.created_ms);
  if (s.first_event_ms) {
    out.SetInt(v, "firstEventTimestamp", *s.first_event_ms);
  }
  if (s.last_event_ms) {
    out.SetInt(v, "lastEventTimestamp", *s.last_event_ms);
  }
  if (s.last_ingestion_ms) {
    out.SetInt(v, "lastIngestionTime", *s.last_ingestion_ms);
  }
  if (s.upload_sequence > 0) {
    out.SetStr(v, "uploadSequenceToken", SequenceToken(s.id, s.upload_sequence));
  }
  out.SetStr(v, "arn", g.Arn() + ":log-stream:" + s.name);
  // AWS: storedBytes is no longer maintained for streams and is always 0.
  out.SetInt(v, "storedBytes", 0);
  list.PushBack(std::move(v), out.a());
}

}  // namespace

LogsService::LogsService()
    : subscriptions_(std::make_unique<SubscriptionFilters>(*this)),
      metric_filters_(std::make_unique<MetricFilters>(*this)),
      insights_(std::make_unique<InsightsApi>(*this)),
      admin_(std::make_unique<LogsAdmin>(*this)),
      port_(std::make_shared<IngestPort>()) {
  port_->service_ = this;
}
LogsService::~LogsService() { port_->service_ = nullptr; }

void LogsService::Register(OperationTable& t) {
  t.Add("CreateLogGroup", this, &LogsService::CreateLogGroup);
  t.Add("CreateLogStream", this, &LogsService::CreateLogStream);
  t.Add("DeleteLogGroup", this, &LogsService::DeleteLogGroup);
  t.Add("DeleteLogStream", this, &LogsService::DeleteLogStream);
  t.Add("DeleteRetentionPolicy", this, &LogsService::DeleteRetentionPolicy);
  t.Add("DescribeLogGroups", this, &LogsService::DescribeLogGroups);
  t.Add("DescribeLogStreams", this, &LogsService::DescribeLogStreams);
  t.Add("FilterLogEvents", this, &LogsService::FilterLogEvents);
  t.Add("GetLogEvents", this, &LogsService::GetLogEvents);
  t.Add("ListTagsForResource", this, &LogsService::ListTagsForResource);
  t.Add("ListTagsLogGroup", this, &LogsService::ListTagsLogGroup);
  t.Add("PutLogEvents", this, &LogsService::PutLogEvents);
  t.Add("PutRetentionPolicy", this, &LogsService::PutRetentionPolicy);
  t.Add("TagLogGroup", this, &LogsService::TagLogGroup);
  t.Add("TagResource", this, &LogsService::TagResource);
  t.Add("UntagLogGroup", this, &LogsService::UntagLogGroup);
  t.Add("UntagResource", this, &LogsService::UntagResource);
  subscriptions_->Register(t);
  metric_filters_->Register(t);
  insights_->Register(t);
  admin_->Register(t);
}

void LogsService::Start(const ServiceEnv& env) {
  store_.Init([open = env.open_database] { return std::make_unique<LogsStore>(open("logs")); });
  clock_ = env.clock;
  client_ = env.client;
  strand_ = env.strand;
  port_->strand_ = env.strand;
}

void LogsService::Stop() { FlushIngest(); }

void LogsService::Reset() {
  pending_.clear();
  store_->db().Reset();
}

// ---- Ingest (other services' logs) -----------------------------------------------------------

void IngestPort::Ingest(IngestLine line) {
  asio::post(strand_, [port = shared_from_this(), line = std::move(line)]() mutable {
    if (port->service_ != nullptr) {
      port->service_->Enqueue(std::move(line));
    }
  });
}

void LogsService::Enqueue(IngestLine line) {
  pending_.push_back(std::move(line));
  if (!flush_posted_) {
    // Posted behind the lines already queued on the strand, so a burst is written at once.
    flush_posted_ = true;
    asio::post(strand_, [this] { FlushIngest(); });
  }
}

void LogsService::FlushIngest() {
  flush_posted_ = false;
  if (pending_.empty()) {
    return;
  }
  std::vector<IngestLine> lines;
  lines.swap(pending_);
  int64_t now = NowMs();
  size_t i = 0;
  try {
    while (i < lines.size()) {
      // One append per run of lines for the same stream.
      size_t j = i + 1;
      while (j < lines.size() && lines[j].scope == lines[i].scope &&
             lines[j].group == lines[i].group && lines[j].stream == lines[i].stream &&
             lines[j].origin_function_arn == lines[i].origin_function_arn) {
        ++j;
      }
      const IngestLine& first = lines[i];
      auto group = store_->FindGroup(first.scope.account_id, first.scope.region, first.group);
      if (!group) {
        LogGroup g;
        g.account = first.scope.account_id;
        g.region = first.scope.region;
        g.name = first.group;
        g.created_ms = now;
        store_->InsertGroup(g);
        group = std::move(g);
      }
      auto stream = store_->FindStream(group->id, first.stream);
      if (!stream) {
        LogStream s;
        s.group_id = group->id;
        s.name = first.stream;
        s.created_ms = now;
        store_->InsertStream(s);
        stream = std::move(s);
      }
      std::vector<InputEvent> events;
      events.reserve(j - i);
      for (size_t k = i; k < j; ++k) {
        events.push_back(InputEvent{lines[k].timestamp, std::move(lines[k].message)});
      }
      std::vector<int64_t> ids;
      store_->AppendEvents(group->id, stream->id, events, now, &ids);
      subscriptions_->Deliver(*group, stream->name, events, ids, first.origin_function_arn);
      i = j;
    }
  } catch (const storage::StoreException& e) {
    std::fprintf(stderr, "nimbus: logs: cannot store %zu ingested lines: %s\n", lines.size() - i,
                 e.what());
  }
}

// ---- Helpers ---------------------------------------------------------------------------------

void LogsService::PurgeExpired(const LogGroup& group) {
  if (group.retention_days) {
    store_->PurgeEvents(group.id, NowMs() - *group.retention_days * kDayMs);
  }
}

Result<LogGroup> LogsService::FindGroup(const Scope& scope, const std::string& name) {
  auto group = store_->FindGroup(scope.account_id, scope.region, name);
  if (!group) {
    return errors::LogGroupNotFound();
  }
  PurgeExpired(*group);
  return *group;
}

Result<LogGroup> LogsService::GroupByArn(const std::string& arn) {
  auto parsed = ParseGroupArn(arn);
  if (!parsed) {
    return errors::InvalidParameter("Invalid ARN: " + arn);
  }
  return FindGroup(Scope{parsed->account, parsed->region}, parsed->name);
}

Result<LogGroup> LogsService::ResolveGroup(const RequestContext& ctx, ParamReader& in,
                                           bool identifier_allowed) {
  auto name = in.OptString("logGroupName");
  auto identifier = identifier_allowed ? in.OptString("logGroupIdentifier") : std::nullopt;
  if (auto e = ReaderError(in)) {
    return *e;
  }
  if (name && identifier) {
    return errors::InvalidParameter(
        "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (identifier) {
    if (identifier->rfind("arn:", 0) == 0) {
      return GroupByArn(*identifier);
    }
    name = identifier;
  }
  if (!name) {
    return errors::InvalidParameter(
        "Either the log group name or the log group identifier must be specified.");
  }
  if (auto e = CheckGroupName(*name, identifier ? "logGroupIdentifier" : "logGroupName")) {
    return *e;
  }
  return FindGroup(ctx.scope, *name);
}

// ---- Log groups ------------------------------------------------------------------------------

Result<Output> LogsService::CreateLogGroup(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("logGroupName");
  std::string kms = in.String("kmsKeyId");
  std::string cls = in.String("logGroupClass", "STANDARD");
  if (auto e = ReaderError(in)) {
    return *e;
  }
  if (auto e = CheckGroupName(name, "logGroupName")) {
    return *e;
  }
  // AWS: "Log group names can't start with the string aws/".
  if (name.rfind("aws/", 0) == 0) {
    return errors::InvalidParameter("Log group names can't start with aws/");
  }
  if (cls != "STANDARD" && cls != "INFREQUENT_ACCESS" && cls != "DELIVERY") {
    return errors::Validation(cls, "logGroupClass",
                              "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, "
                              "DELIVERY]");
  }
  auto tags = ReadTags(in.Value("tags"), "tags");
  if (!tags) {
    return tags.error();
  }
  if (tags->size() > 50) {
    return errors::Validation("{...}", "tags",
                              "Member must have length less than or equal to 50");
  }
  if (store_->FindGroup(ctx.scope.account_id, ctx.scope.region, name)) {
    return errors::LogGroupExists();
  }
  LogGroup g;
  g.account = ctx.scope.account_id;
  g.region = ctx.scope.region;
  g.name = name;
  g.created_ms = NowMs();
  g.kms_key_id = kms;
  g.log_group_class = cls;
  g.tags = std::move(*tags);
  store_->InsertGroup(g);
  return Empty();
}

Result<Output> LogsService::DeleteLogGroup(RequestContext& ctx, ParamReader& in) {
  auto group = ResolveGroup(ctx, in, false);
  if (!group) {
    return group.error();
  }
  store_->DeleteGroup(group->id);
  return Empty();
}

Result<Output> LogsService::DescribeLogGroups(RequestContext& ctx, ParamReader& in) {
  std::string prefix = in.String("logGroupNamePrefix");
  auto pattern = in.OptString("logGroupNamePattern");
  auto limit = in.OptInt("limit");
  auto token = in.OptString("nextToken");
  auto identifiers = StringList(in.Value("logGroupIdentifiers"));
  if (auto e = ReaderError(in)) {
    return *e;
  }
  if (auto e = CheckLimit(limit, 50)) {
    return *e;
  }
  if (!prefix.empty() && pattern) {
    return errors::InvalidParameter(
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  }
  if (!prefix.empty() && !identifiers.empty()) {
    return errors::InvalidParameter(
        "LogGroup name prefix and LogGroup identifiers are mutually exclusive parameters.");
  }
  std::string after;
  if (token) {
    auto raw = DecodeToken(*token, "groups");
    if (!raw) {
      return errors::InvalidNextToken();
    }
    after = *raw;
  }
  std::set<std::string> wanted;
  for (const auto& id : identifiers) {
    auto arn = ParseGroupArn(id);
    wanted.insert(arn ? arn->name : id);
  }
  int64_t page = limit.value_or(50);
  bool filtered = pattern.has_value() || !wanted.empty();
  Out out;
  Value list(rapidjson::kArrayType);
  std::string last;
  bool more = false;
  // Pattern and identifier filters run here, so read on until the page is full.
  while (true) {
    auto groups = store_->ListGroups(ctx.scope.account_id, ctx.scope.region, prefix, after,
                                     filtered ? kScanBatch : page + 1);
    for (const auto& g : groups) {
      if (static_cast<int64_t>(list.Size()) == page) {
        more = true;
        break;
      }
      after = g.name;
      if (pattern && g.name.find(*pattern) == std::string::npos) {
        continue;
      }
      if (!wanted.empty() && !wanted.contains(g.name)) {
        continue;
      }
      PurgeExpired(g);
      auto fresh = store_->FindGroup(g.account, g.region, g.name);
      WriteGroup(out, list, fresh ? *fresh : g, pattern.has_value());
      last = g.name;
    }
    if (more || !filtered || static_cast<int64_t>(groups.size()) < kScanBatch) {
      break;
    }
  }
  out.Set("logGroups", std::move(list));
  if (more) {
    out.Set("nextToken", out.Str(EncodeToken("groups/" + last)));
  }
  return out.Take();
}

// ---- Log streams -----------------------------------------------------------------------------

Result<Output> LogsService::CreateLogStream(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("logStreamName");
  if (auto e = CheckStreamName(name, "logStreamName")) {
    return *e;
  }
  auto group = ResolveGroup(ctx, in, false);
  if (!group) {
    return group.error();
  }
  if (store_->FindStream(group->id, name)) {
    return errors::LogStreamExists();
  }
  LogStream s;
  s.group_id = group->id;
  s.name = name;
  s.created_ms = NowMs();
  store_->InsertStream(s);
  return Empty();
}

Result<Output> LogsService::DeleteLogStream(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("logStreamName");
  auto group = ResolveGroup(ctx, in, false);
  if (!group) {
    return group.error();
  }
  auto stream = store_->FindStream(group->id, name);
  if (!stream) {
    return errors::LogStreamNotFound();
  }
  store_->DeleteStream(*stream);
  return Empty();
}

Result<Output> LogsService::DescribeLogStreams(RequestContext& ctx, ParamReader& in) {
  std::string prefix = in.String("logStreamNamePrefix");
  std::string order = in.String("orderBy", "LogStreamName");
  bool descending = in.Bool("descending");
  auto limit = in.OptInt("limit");
  auto token = in.OptString("nextToken");
  if (auto e = ReaderError(in)) {
    return *e;
  }
  if (auto e = CheckLimit(limit, 50)) {
    return *e;
  }
  if (order != "LogStreamName" && order != "LastEventTime") {
    return errors::Validation(order, "orderBy",
                              "Member must satisfy enum value set: [LogStreamName, LastEventTime]");
  }
  StreamListing listing;
  listing.by_last_event = order == "LastEventTime";
  listing.descending = descending;
  listing.prefix = prefix;
  // AWS: a name prefix only goes with name order.
  if (listing.by_last_event && !prefix.empty()) {
    return errors::InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  auto group = ResolveGroup(ctx, in, true);
  if (!group) {
    return group.error();
  }
  if (token) {
    auto raw = DecodeToken(*token, listing.by_last_event ? "streams-t" : "streams-n");
    if (!raw) {
      return errors::InvalidNextToken();
    }
    auto slash = raw->find('/');
    auto time = slash == std::string::npos ? std::nullopt : ParseDigits(raw->substr(0, slash));
    if (!time) {
      return errors::InvalidNextToken();
    }
    listing.after = std::make_pair(*time, raw->substr(slash + 1));
  }
  int64_t page = limit.value_or(50);
  listing.limit = page + 1;
  auto streams = store_->ListStreams(group->id, listing);
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = 0; i < streams.size() && static_cast<int64_t>(i) < page; ++i) {
    WriteStream(out, list, *group, streams[i]);
  }
  out.Set("logStreams", std::move(list));
  if (static_cast<int64_t>(streams.size()) > page) {
    const LogStream& last = streams[static_cast<size_t>(page - 1)];
    std::string raw = std::string(listing.by_last_event ? "streams-t/" : "streams-n/") +
                      std::to_string(last.last_event_ms.value_or(0)) + "/" + last.name;
    out.Set("nextToken", out.Str(EncodeToken(raw)));
  }
  return out.Take();
}

// ---- Events ----------------------------------------------------------------------------------

Result<Output> LogsService::PutLogEvents(RequestContext& ctx, ParamReader& in) {
  std::string stream_name = in.String("logStreamName");
  const Value* list = in.Value("logEvents");
  // AWS: the request's own constraints are checked before the group and stream are looked up.
  if (list == nullptr || !list->IsArray() || list->Empty()) {
    return errors::Validation("[]", "logEvents",
                              "Member must have length greater than or equal to 1");
  }
  if (list->Size() > kMaxBatchEvents) {
    return errors::Validation("[...]", "logEvents",
                              "Member must have length less than or equal to 10000");
  }
  std::vector<InputEvent> events;
  events.reserve(list->Size());
  int64_t batch_bytes = 0;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const Value& e = (*list)[i];
    std::string member = "logEvents." + std::to_string(i + 1) + ".member";
    auto ts = e.IsObject() ? e.FindMember("timestamp") : Value::ConstMemberIterator();
    auto msg = e.IsObject() ? e.FindMember("message") : Value::ConstMemberIterator();
    if (!e.IsObject() || ts == e.MemberEnd() || !ts->value.IsInt64()) {
      return errors::Validation("null", member + ".timestamp", "Member must not be null");
    }
    if (msg == e.MemberEnd() || !msg->value.IsString()) {
      return errors::Validation("null", member + ".message", "Member must not be null");
    }
    if (ts->value.GetInt64() < 0) {
      return errors::Validation(std::to_string(ts->value.GetInt64()), member + ".timestamp",
                                "Member must have value greater than or equal to 0");
    }
    if (msg->value.GetStringLength() == 0) {
      return errors::Validation("", member + ".message",
                                "Member must have length greater than or equal to 1");
    }
    InputEvent ev{ts->value.GetInt64(),
                  std::string(msg->value.GetString(), msg->value.GetStringLength())};
    int64_t size = static_cast<int64_t>(ev.message.size()) + kEventOverheadBytes;
    if (size > kMaxBatchBytes) {
      return errors::InvalidParameter("Log event too large: " + std::to_string(size) +
                                      " bytes exceeds limit of " +
                                      std::to_string(kMaxBatchBytes));
    }
    batch_bytes += size;
    events.push_back(std::move(ev));
  }
  if (batch_bytes > kMaxBatchBytes) {
    return errors::InvalidParameter("Upload too large: " + std::to_string(batch_bytes) +
                                    " bytes exceeds limit of " + std::to_string(kMaxBatchBytes));
  }
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].timestamp < events[i - 1].timestamp) {
      return errors::InvalidParameter(
          "Log events in a single PutLogEvents request must be in chronological order.");
    }
  }
  if (auto e = CheckStreamName(stream_name, "logStreamName")) {
    return *e;
  }
  auto group = ResolveGroup(ctx, in, false);
  if (!group) {
    return group.error();
  }
  auto stream = store_->FindStream(group->id, stream_name);
  if (!stream) {
    return errors::LogStreamNotFound();
  }
  // AWS: events more than 2 h in the future, older than 14 days or older than the group's
  // retention are rejected (reported by index) while the rest of the batch is accepted.
  int64_t now = NowMs();
  int64_t too_old_before = now - 14 * kDayMs;
  int64_t expired_before =
      group->retention_days ? now - *group->retention_days * kDayMs : INT64_MIN;
  int64_t too_new_after = now + 2 * kHourMs;
  std::optional<int64_t> too_new_start;
  std::optional<int64_t> too_old_end;
  std::optional<int64_t> expired_end;
  size_t first_ok = 0;
  size_t end_ok = events.size();
  for (size_t i = 0; i < events.size(); ++i) {
    int64_t ts = events[i].timestamp;
    if (ts > too_new_after) {
      too_new_start = static_cast<int64_t>(i);
      end_ok = std::min(end_ok, i);
      break;
    }
    if (ts < too_old_before) {
      too_old_end = static_cast<int64_t>(i);
      first_ok = i + 1;
    }
    if (ts < expired_before) {
      expired_end = static_cast<int64_t>(i);
      first_ok = i + 1;
    }
  }
  std::vector<InputEvent> accepted;
  if (first_ok < end_ok) {
    // AWS: the accepted events of one batch may span at most 24 hours.
    if (events[end_ok - 1].timestamp - events[first_ok].timestamp > kDayMs) {
      return errors::InvalidParameter(
          "The batch of log events in a single PutLogEvents request cannot span more than 24 "
          "hours.");
    }
    accepted.assign(std::make_move_iterator(events.begin() + static_cast<ptrdiff_t>(first_ok)),
                    std::make_move_iterator(events.begin() + static_cast<ptrdiff_t>(end_ok)));
  }
  std::vector<int64_t> ids;
  int64_t sequence = store_->AppendEvents(group->id, stream->id, accepted, now, &ids);
  subscriptions_->Deliver(*group, stream->name, accepted, ids, "");
  Out out;
  out.Set("nextSequenceToken", out.Str(SequenceToken(stream->id, sequence)));
  if (too_new_start || too_old_end || expired_end) {
    Value info(rapidjson::kObjectType);
    if (too_new_start) {
      out.SetInt(info, "tooNewLogEventStartIndex", *too_new_start);
    }
    if (too_old_end) {
      out.SetInt(info, "tooOldLogEventEndIndex", *too_old_end);
    }
    if (expired_end) {
      out.SetInt(info, "expiredLogEventEndIndex", *expired_end);
    }
    out.Set("rejectedLogEventsInfo", std::move(info));
  }
  return out.Take();
}

Result<Output> LogsService::GetLogEvents(RequestContext& ctx, ParamReader& in) {
  std::string stream_name = in.String("logStreamName");
  auto start = in.OptInt("startTime");
  auto end = in.OptInt("endTime");
  auto limit = in.OptInt("limit");
  bool from_head = in.Bool("startFromHead");
  auto token = in.OptString("nextToken");
  if (auto e = ReaderError(in)) {
    return *e;
  }
  if (auto e = CheckLimit(limit, kMaxBatchEvents)) {
    return *e;
  }
  auto group = ResolveGroup(ctx, in, true);
  if (!group) {
    return group.error();
  }
  auto stream = store_->FindStream(group->id, stream_name);
  if (!stream) {
    return errors::LogStreamNotFound();
  }
  // AWS: startTime is inclusive, endTime exclusive.
  Cut lower{std::max<int64_t>(start.value_or(0), 0), 0};
  Cut upper = end ? Cut{std::max<int64_t>(*end, 0), 0} : kEnd;
  int64_t page = limit.value_or(kDefaultEventsLimit);
  bool forward = from_head;
  std::optional<StreamPosition> position;
  if (token) {
    position = ParseStreamToken(*token, stream->id);
    if (!position) {
      return errors::InvalidNextToken();
    }
    // The token's direction decides, whatever startFromHead says.
    forward = position->dir == 'f';
  }
  std::vector<LogEvent> events;
  if (forward) {
    Cut from = position ? MaxCut(lower, position->cut) : lower;
    events = store_->StreamEvents(stream->id, from, upper, page, kMaxResponseBytes);
  } else {
    Cut to = position ? MinCut(upper, position->cut) : upper;
    events = store_->StreamEventsBackward(stream->id, lower, to, page, kMaxResponseBytes);
    std::reverse(events.begin(), events.end());
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (const auto& e : events) {
    Value v(rapidjson::kObjectType);
    out.SetInt(v, "timestamp", e.timestamp);
    out.SetStr(v, "message", e.message);
    out.SetInt(v, "ingestionTime", e.ingestion_ms);
    list.PushBack(std::move(v), out.a());
  }
  out.Set("events", std::move(list));
  std::string next_forward;
  std::string next_backward;
  if (!events.empty()) {
    next_forward = StreamToken('f', Cut::After(events.back()), stream->id);
    next_backward = StreamToken('b', Cut::Before(events.front()), stream->id);
  } else if (position) {
    // AWS: at the end of the stream the token passed in comes back, which is how clients
    // know to stop.
    next_forward = position->dir == 'f' ? *token : StreamToken('f', position->cut, stream->id);
    next_backward = position->dir == 'b' ? *token : StreamToken('b', position->cut, stream->id);
  } else {
    next_forward = StreamToken('f', lower, stream->id);
    next_backward = StreamToken('b', lower, stream->id);
  }
  out.Set("nextForwardToken", out.Str(next_forward));
  out.Set("nextBackwardToken", out.Str(next_backward));
  return out.Take();
}

Result<Output> LogsService::FilterLogEvents(RequestContext& ctx, ParamReader& in) {
  auto names = StringList(in.Value("logStreamNames"));
  bool names_given = in.Has("logStreamNames");
  auto prefix = in.OptString("logStreamNamePrefix");
  auto start = in.OptInt("startTime");
  auto end = in.OptInt("endTime");
  auto limit = in.OptInt("limit");
  std::string pattern_text = in.String("filterPattern");
  auto token = in.OptString("nextToken");
  if (auto e = ReaderError(in)) {
    return *e;
  }
  if (auto e = CheckLimit(limit, kMaxBatchEvents)) {
    return *e;
  }
  if (names_given && prefix) {
    return errors::InvalidParameter(
        "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }
  if (names_given && (names.empty() || names.size() > 100)) {
    return errors::Validation("[...]", "logStreamNames",
                              names.empty() ? "Member must have length greater than or equal to 1"
                                            : "Member must have length less than or equal to 100");
  }
  if (pattern_text.size() > 1024) {
    return errors::Validation(pattern_text, "filterPattern",
                              "Member must have length less than or equal to 1024");
  }
  auto pattern = FilterPattern::Parse(pattern_text);
  if (!pattern) {
    return pattern.error();
  }
  auto group = ResolveGroup(ctx, in, true);
  if (!group) {
    return group.error();
  }
  // Which streams take part: all of the group's, or a named/prefixed subset.
  bool restricted = names_given || prefix.has_value();
  std::map<int64_t, std::string> allowed;
  if (names_given) {
    for (const auto& n : names) {
      if (auto s = store_->FindStream(group->id, n)) {
        allowed.emplace(s->id, s->name);
      }
    }
  } else if (prefix) {
    for (auto& s : store_->StreamsWithPrefix(group->id, *prefix)) {
      allowed.emplace(s.id, std::move(s.name));
    }
  }
  // AWS: FilterLogEvents' startTime and endTime are both inclusive.
  Cut lower{std::max<int64_t>(start.value_or(0), 0), 0};
  Cut upper = end ? Cut{std::max<int64_t>(*end, 0) + 1, 0} : kEnd;
  Cut cursor = lower;
  if (token) {
    auto raw = DecodeToken(*token, "events");
    auto slash = raw ? raw->find('/') : std::string::npos;
    auto ts = slash == std::string::npos ? std::nullopt : ParseDigits(raw->substr(0, slash));
    auto id = slash == std::string::npos ? std::nullopt : ParseDigits(raw->substr(slash + 1));
    if (!ts || !id) {
      return errors::InvalidNextToken();
    }
    cursor = MaxCut(lower, Cut{*ts, *id});
  }
  int64_t page = limit.value_or(kDefaultEventsLimit);
  Out out;
  Value list(rapidjson::kArrayType);
  int64_t bytes = 0;
  std::optional<Cut> next;
  bool done = restricted && allowed.empty();
  // AWS: a search that runs long returns what it has so far with a nextToken (possibly with no
  // events); here that keeps one call from holding the strand on a big group.
  auto deadline = std::chrono::steady_clock::now() + kScanBudget;
  while (!done && !next) {
    if (std::chrono::steady_clock::now() > deadline) {
      next = cursor;
      break;
    }
    std::vector<LogEvent> batch;
    if (restricted && allowed.size() == 1) {
      batch = store_->StreamEvents(allowed.begin()->first, cursor, upper, kScanBatch,
                                   kMaxResponseBytes);
      for (auto& e : batch) {
        e.stream_name = allowed.begin()->second;
      }
    } else {
      batch = store_->GroupEvents(group->id, cursor, upper, kScanBatch, kMaxResponseBytes);
    }
    for (const auto& e : batch) {
      if (restricted && !allowed.contains(e.stream_id)) {
        continue;
      }
      if (!pattern->Matches(e.message)) {
        continue;
      }
      if (static_cast<int64_t>(list.Size()) == page ||
          (bytes + EventBytes(e) > kMaxResponseBytes && list.Size() > 0)) {
        // AWS: a nextToken only when more matching events exist.
        next = Cut::Before(e);
        break;
      }
      bytes += EventBytes(e);
      Value v(rapidjson::kObjectType);
      out.SetStr(v, "logStreamName", e.stream_name);
      out.SetInt(v, "timestamp", e.timestamp);
      out.SetStr(v, "message", e.message);
      out.SetInt(v, "ingestionTime", e.ingestion_ms);
      out.SetStr(v, "eventId", EventId(e));
      list.PushBack(std::move(v), out.a());
    }
    // A batch may stop short at the byte cap, so only an empty one marks the end.
    if (batch.empty()) {
      done = true;
    } else {
      cursor = Cut::After(batch.back());
    }
  }
  out.Set("events", std::move(list));
  // AWS: searchedLogStreams is no longer supported and is always an empty list.
  out.Set("searchedLogStreams", Value(rapidjson::kArrayType));
  if (next) {
    out.Set("nextToken", out.Str(EncodeToken("events/" + std::to_string(next->timestamp) + "/" +
                                             std::to_string(next->id))));
  }
  return out.Take();
}

// ---- Retention -------------------------------------------------------------------------------

Result<Output> LogsService::PutRetentionPolicy(RequestContext& ctx, ParamReader& in) {
  auto days = in.OptInt("retentionInDays");
  auto group = ResolveGroup(ctx, in, false);
  if (!group) {
    return group.error();
  }
  if (!days || std::find(kRetentionDays.begin(), kRetentionDays.end(), *days) ==
                   kRetentionDays.end()) {
    std::string allowed;
    for (int d : kRetentionDays) {
      allowed += (allowed.empty() ? "" : ", ") + std::to_string(d);
    }
    return errors::Validation(days ? std::to_string(*days) : "null", "retentionInDays",
                              "Member must satisfy enum value set: [" + allowed + "]");
  }
  store_->SetRetention(group->id, static_cast<int>(*days));
  group->retention_days = static_cast<int>(*days);
  PurgeExpired(*group);
  return Empty();
}

Result<Output> LogsService::DeleteRetentionPolicy(RequestContext& ctx, ParamReader& in) {
  auto group = ResolveGroup(ctx, in, false);
  if (!group) {
    return group.error();
  }
  store_->SetRetention(group->id, std::nullopt);
  return Empty();
}

// ---- Tags ------------------------------------------------------------------------------------

Result<Output> LogsService::ChangeTags(LogGroup& group, const Value* add, const Value* remove,
                                       bool resource_api) {
  auto added = ReadTags(add, "tags");
  if (!added) {
    return added.error();
  }
  Tags tags = group.tags;
  for (auto& [k, v] : *added) {
    tags[k] = v;
  }
  if (remove != nullptr) {
    if (!remove->IsArray()) {
      return errors::InvalidParameter("Value for parameter tagKeys must be a list");
    }
    for (const auto& k : remove->GetArray()) {
      if (k.IsString()) {
        tags.erase(std::string(k.GetString(), k.GetStringLength()));
      }
    }
  }
  if (tags.size() > 50) {
    if (resource_api) {
      return errors::TooManyTags(group.Arn());
    }
    return errors::InvalidParameter("A log group can have no more than 50 tags.");
  }
  store_->SetTags(group.id, tags);
  group.tags = std::move(tags);
  return Empty();
}

Result<Output> LogsService::TagLogGroup(RequestContext& ctx, ParamReader& in) {
  auto group = ResolveGroup(ctx, in, false);
  if (!group) {
    return group.error();
  }
  return ChangeTags(*group, in.Value("tags"), nullptr, false);
}

Result<Output> LogsService::UntagLogGroup(RequestContext& ctx, ParamReader& in) {
  auto group = ResolveGroup(ctx, in, false);
  if (!group) {
    return group.error();
  }
  return ChangeTags(*group, nullptr, in.Value("tags"), false);
}

Result<Output> LogsService::ListTagsLogGroup(RequestContext& ctx, ParamReader& in) {
  auto group = ResolveGroup(ctx, in, false);
  if (!group) {
    return group.error();
  }
  Out out;
  out.Set("tags", TagsValue(out, group->tags));
  return out.Take();
}

Result<Output> LogsService::TagResource(RequestContext&, ParamReader& in) {
  std::string arn = in.String("resourceArn");
  if (auto e = ReaderError(in)) {
    return *e;
  }
  auto group = GroupByArn(arn);
  if (!group) {
    return group.error().code == "ResourceNotFoundException" ? errors::ResourceNotFound()
                                                            : group.error();
  }
  return ChangeTags(*group, in.Value("tags"), nullptr, true);
}

Result<Output> LogsService::UntagResource(RequestContext&, ParamReader& in) {
  std::string arn = in.String("resourceArn");
  if (auto e = ReaderError(in)) {
    return *e;
  }
  auto group = GroupByArn(arn);
  if (!group) {
    return group.error().code == "ResourceNotFoundException" ? errors::ResourceNotFound()
                                                            : group.error();
  }
  return ChangeTags(*group, nullptr, in.Value("tagKeys"), true);
}

Result<Output> LogsService::ListTagsForResource(RequestContext&, ParamReader& in) {
  std::string arn = in.String("resourceArn");
  if (auto e = ReaderError(in)) {
    return *e;
  }
  auto group = GroupByArn(arn);
  if (!group) {
    return group.error().code == "ResourceNotFoundException" ? errors::ResourceNotFound()
                                                            : group.error();
  }
  Out out;
  out.Set("tags", TagsValue(out, group->tags));
  return out.Take();
}

}  // namespace nimbus::logs
