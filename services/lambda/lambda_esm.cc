// LambdaService: event source mappings (SQS), their pollers, and event invoke configs.

#include <algorithm>
#include <cstdio>
#include <set>

#include <boost/asio/post.hpp>

#include "services/common/ids.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_internal.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {
namespace asio = boost::asio;
using rapidjson::Value;

namespace {

constexpr int64_t kMaxBatchSize = 10000;
constexpr int64_t kMaxFifoBatchSize = 10;
constexpr int64_t kMaxBatchingWindow = 300;
constexpr size_t kMaxFilters = 5;
constexpr size_t kMaxPatternBytes = 4096;
constexpr int64_t kMaxMappingListItems = 10000;
constexpr int64_t kMaxInvokeConfigListItems = 50;

double EpochSeconds(const Clock& clock) {
  return static_cast<double>(clock.NowMillis()) / 1000.0;
}

std::string MappingArn(const EventSourceMapping& m) {
  return "arn:aws:lambda:" + m.region + ":" + m.account + ":event-source-mapping:" + m.uuid;
}

bool IsSqsArn(const std::string& arn) { return ArnService(arn) == "sqs"; }

bool IsFifoArn(const std::string& arn) {
  return arn.size() > 5 && arn.ends_with(".fifo");
}

// AWS: a destination is an SQS queue, SNS topic, Lambda function or EventBridge bus (S3 for
// failures of some sources).
bool ValidDestination(const std::string& arn) {
  static const std::set<std::string> kServices = {"sqs", "sns", "lambda", "events", "s3"};
  return arn.size() <= 350 && kServices.contains(ArnService(arn)) &&
         std::count(arn.begin(), arn.end(), ':') >= 5;
}

// Members a stream or Kafka source takes that an SQS mapping must not carry.
constexpr const char* kStreamOnlyMembers[] = {
    "StartingPosition",          "StartingPositionTimestamp",
    "ParallelizationFactor",     "BisectBatchOnFunctionError",
    "MaximumRetryAttempts",      "MaximumRecordAgeInSeconds",
    "TumblingWindowInSeconds",   "DestinationConfig",
    "Topics",                    "Queues",
    "SelfManagedEventSource",    "AmazonManagedKafkaEventSourceConfig",
    "SelfManagedKafkaEventSourceConfig", "DocumentDBEventSourceConfig",
};

}  // namespace

std::optional<AwsError> CheckRange(const char* field, int64_t v, int64_t lo, int64_t hi) {
  if (v < lo) {
    return errors::ValidationField(std::to_string(v), field,
                                   "Member must have value greater than or equal to " +
                                       std::to_string(lo));
  }
  if (v > hi) {
    return errors::ValidationField(std::to_string(v), field,
                                   "Member must have value less than or equal to " +
                                       std::to_string(hi));
  }
  return std::nullopt;
}

std::optional<int64_t> ReadMaxItems(ParamReader& in, int64_t hi, int64_t fallback,
                                    AwsError& error) {
  auto max = in.OptInt("MaxItems");
  if (max) {
    if (auto e = CheckRange("maxItems", *max, 1, hi)) {
      error = *e;
      return std::nullopt;
    }
  }
  return max.value_or(fallback);
}

// ---------------------------------------------------------------------------------------------
// Event source mappings

Output LambdaService::MappingOutput(const EventSourceMapping& m) {
  Out out;
  out.SetStr("UUID", m.uuid);
  out.Set("BatchSize", Value(m.batch_size));
  out.Set("MaximumBatchingWindowInSeconds", Value(m.maximum_batching_window));
  out.SetStr("EventSourceArn", m.event_source_arn);
  if (!m.filter_patterns.empty()) {
    Value criteria(rapidjson::kObjectType);
    Value filters(rapidjson::kArrayType);
    for (const auto& p : m.filter_patterns) {
      Value f(rapidjson::kObjectType);
      out.SetStr(f, "Pattern", p);
      filters.PushBack(std::move(f), out.a());
    }
    out.Set(criteria, "Filters", std::move(filters));
    out.Set("FilterCriteria", std::move(criteria));
  }
  out.SetStr("FunctionArn", m.function_arn);
  out.Set("LastModified", Value(m.last_modified));
  out.SetStr("State", m.state);
  out.SetStr("StateTransitionReason", m.state_transition_reason);
  out.Set("FunctionResponseTypes", out.StrList(m.function_response_types));
  if (m.maximum_concurrency) {
    Value scaling(rapidjson::kObjectType);
    out.Set(scaling, "MaximumConcurrency", Value(*m.maximum_concurrency));
    out.Set("ScalingConfig", std::move(scaling));
  }
  out.SetStr("EventSourceMappingArn", MappingArn(m));
  return out.Take();
}

std::optional<AwsError> LambdaService::ApplyMappingSettings(ParamReader& in,
                                                            EventSourceMapping& m) {
  for (const char* member : kStreamOnlyMembers) {
    if (in.Has(member)) {
      return errors::InvalidParameterValue(std::string("Unsupported parameter for the SQS event "
                                                       "source: ") +
                                           member);
    }
  }
  if (auto v = in.OptInt("BatchSize")) {
    if (auto e = CheckRange("batchSize", *v, 1, kMaxBatchSize)) {
      return e;
    }
    m.batch_size = *v;
  }
  if (auto v = in.OptInt("MaximumBatchingWindowInSeconds")) {
    if (auto e = CheckRange("maximumBatchingWindowInSeconds", *v, 0, kMaxBatchingWindow)) {
      return e;
    }
    m.maximum_batching_window = *v;
  }
  if (const Value* types = in.Value("FunctionResponseTypes")) {
    std::vector<std::string> list;
    if (types->IsArray()) {
      for (const auto& t : types->GetArray()) {
        std::string s = t.IsString() ? t.GetString() : "";
        if (s != "ReportBatchItemFailures") {
          return errors::ValidationField(s, "functionResponseTypes",
                                         "Member must satisfy enum value set: "
                                         "[ReportBatchItemFailures]");
        }
        if (std::find(list.begin(), list.end(), s) == list.end()) {
          list.push_back(s);
        }
      }
    }
    m.function_response_types = std::move(list);
  }
  if (const Value* criteria = in.Value("FilterCriteria")) {
    std::vector<std::string> patterns;
    if (criteria->IsObject()) {
      if (auto it = criteria->FindMember("Filters");
          it != criteria->MemberEnd() && it->value.IsArray()) {
        for (const auto& f : it->value.GetArray()) {
          auto p = f.IsObject() ? f.FindMember("Pattern") : f.MemberEnd();
          if (!f.IsObject() || p == f.MemberEnd() || !p->value.IsString()) {
            return errors::InvalidParameterValue("Invalid filter pattern definition.");
          }
          patterns.emplace_back(p->value.GetString(), p->value.GetStringLength());
          if (patterns.back().size() > kMaxPatternBytes ||
              !EventFilter::Parse(patterns.back())) {
            return errors::InvalidParameterValue("Invalid filter pattern definition.");
          }
        }
      }
    }
    if (patterns.size() > kMaxFilters) {
      return errors::InvalidParameterValue(
          "The number of filters exceeds the limit of " + std::to_string(kMaxFilters) +
          " filters per event source mapping.");
    }
    m.filter_patterns = std::move(patterns);  // empty Filters removes filtering
  }
  if (const Value* scaling = in.Value("ScalingConfig")) {
    ParamReader s(*scaling);
    m.maximum_concurrency.reset();  // {} removes the limit
    if (auto v = s.OptInt("MaximumConcurrency")) {
      if (auto e = CheckRange("scalingConfig.maximumConcurrency", *v, 2, 1000)) {
        return e;
      }
      m.maximum_concurrency = *v;
    }
  }
  if (in.error()) {
    return *in.error();
  }
  // AWS: batching rules depend on the queue type.
  if (IsFifoArn(m.event_source_arn)) {
    if (m.batch_size > kMaxFifoBatchSize) {
      return errors::InvalidParameterValue(
          "BatchSize must be less than or equal to 10 for FIFO queues.");
    }
    if (m.maximum_batching_window > 0) {
      return errors::InvalidParameterValue("Batching window is not supported for FIFO queues.");
    }
  } else if (m.batch_size > 10 && m.maximum_batching_window < 1) {
    return errors::InvalidParameterValue(
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater "
        "than 10");
  }
  return std::nullopt;
}

asio::awaitable<Result<QueueFacts>> LambdaService::LookupQueue(const std::string& queue_arn) {
  QueueFacts facts;
  facts.fifo = IsFifoArn(queue_arn);
  if (client_ == nullptr) {
    co_return facts;
  }
  auto settings = PollerSettings::From(EventSourceMapping{.event_source_arn = queue_arn});
  if (!settings) {
    co_return errors::InvalidParameterValue("Invalid event source ARN: " + queue_arn);
  }
  rapidjson::Document params(rapidjson::kObjectType);
  auto& a = params.GetAllocator();
  params.AddMember("QueueUrl", Value(settings->queue_url.c_str(), a), a);
  Value names(rapidjson::kArrayType);
  names.PushBack("All", a);
  params.AddMember("AttributeNames", std::move(names), a);
  auto r = co_await client_->Call("sqs", "GetQueueAttributes", settings->queue_scope,
                                  std::move(params));
  if (!r) {
    // AWS reports the queue's error as the poller met it.
    std::string code = r.error().code == "QueueDoesNotExist"
                           ? "AWS.SimpleQueueService.NonExistentQueue"
                           : r.error().code;
    std::string message = r.error().code == "QueueDoesNotExist"
                              ? "The specified queue does not exist for this wsdl version."
                              : r.error().message;
    co_return errors::InvalidParameterValue("Error occurred while ReceiveMessage. SQS Error Code: " +
                                            code + ". SQS Error Message: " + message);
  }
  if (auto attrs = r->FindMember("Attributes");
      attrs != r->MemberEnd() && attrs->value.IsObject()) {
    if (auto vt = attrs->value.FindMember("VisibilityTimeout");
        vt != attrs->value.MemberEnd() && vt->value.IsString()) {
      facts.visibility_timeout = std::atoll(vt->value.GetString());
    }
    if (auto fifo = attrs->value.FindMember("FifoQueue");
        fifo != attrs->value.MemberEnd() && fifo->value.IsString()) {
      facts.fifo = std::string_view(fifo->value.GetString()) == "true";
    }
  }
  co_return facts;
}

asio::awaitable<Result<Output>> LambdaService::CreateEventSourceMapping(RequestContext& ctx,
                                                                        ParamReader& in) {
  std::string function_name = in.String("FunctionName");
  auto source = in.OptString("EventSourceArn");
  bool enabled = in.Bool("Enabled", true);
  if (in.error()) {
    co_return *in.error();
  }
  auto t = ResolveRef(ctx, function_name, std::nullopt, QualifierUse::kAllowed);
  if (!t) {
    co_return t.error();
  }
  if (!source || source->empty()) {
    co_return errors::InvalidParameterValue(
        "Unrecognized event source, must be kinesis, dynamodb stream or sqs.");
  }
  if (!IsSqsArn(*source)) {
    co_return errors::InvalidParameterValue(
        "Unsupported event source " + *source +
        ": Nimbus runs event source mappings for SQS queues only.");
  }
  EventSourceMapping m;
  m.uuid = NewUuid();
  m.account = t->function.account;
  m.region = t->function.region;
  m.function_arn = t->Arn();
  m.event_source_arn = *source;
  m.enabled = enabled;
  if (auto e = ApplyMappingSettings(in, m)) {
    co_return *e;
  }
  auto queue = co_await LookupQueue(m.event_source_arn);
  if (!queue) {
    co_return queue.error();
  }
  // AWS: messages must stay hidden while the function works on them.
  if (queue->visibility_timeout < t->version.timeout) {
    co_return errors::InvalidParameterValue(
        "Queue visibility timeout: " + std::to_string(queue->visibility_timeout) +
        " seconds is less than Function timeout: " + std::to_string(t->version.timeout) +
        " seconds");
  }
  for (const auto& other : store_->ListMappings(t->scope())) {
    if (other.event_source_arn == m.event_source_arn && other.function_arn == m.function_arn) {
      co_return errors::ResourceConflict("An event source mapping with SQS arn (\" " +
                                         m.event_source_arn + " \") and function (\" " +
                                         t->function.name +
                                         " \") already exists. Please update or delete the "
                                         "existing mapping with UUID " + other.uuid);
    }
  }
  m.state = "Creating";
  m.last_modified = EpochSeconds(*clock_);
  store_->PutMapping(m);
  ScheduleMappingSettle(m.uuid);
  SyncPoller(m);
  co_return MappingOutput(m);
}

Result<EventSourceMapping> LambdaService::FindMappingInScope(const RequestContext& ctx,
                                                             ParamReader& in) {
  std::string uuid = in.String("UUID");
  if (in.error()) {
    return *in.error();
  }
  auto m = store_->FindMapping(uuid);
  if (!m || m->account != ctx.scope.account_id || m->region != ctx.scope.region) {
    return errors::ResourceDoesNotExist();
  }
  return std::move(*m);
}

Result<Output> LambdaService::GetEventSourceMapping(RequestContext& ctx, ParamReader& in) {
  auto m = FindMappingInScope(ctx, in);
  if (!m) {
    return m.error();
  }
  return MappingOutput(*m);
}

Result<Output> LambdaService::ListEventSourceMappings(RequestContext& ctx, ParamReader& in) {
  auto source = in.OptString("EventSourceArn");
  auto function_name = in.OptString("FunctionName");
  auto marker = in.OptString("Marker");
  AwsError error;
  auto max = ReadMaxItems(in, kMaxMappingListItems, 100, error);
  if (!max) {
    return error;
  }
  if (in.error()) {
    return *in.error();
  }
  std::optional<FunctionRef> ref;
  if (function_name) {
    ref = ParseFunctionName(*function_name);
    if (!ref) {
      return errors::ValidationField(*function_name, "functionName",
                                     "Member must satisfy regular expression pattern: "
                                     "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}"
                                     ":)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|"
                                     "[a-zA-Z0-9-_]+))?");
    }
  }
  std::vector<EventSourceMapping> items;
  for (auto& m : store_->ListMappings(ctx.scope)) {
    if (source && m.event_source_arn != *source) {
      continue;
    }
    if (ref) {
      // An unqualified name lists the function's mappings whatever their qualifier.
      std::string base = FunctionArn(m.region, m.account, ref->name);
      bool same = ref->qualifier ? m.function_arn == base + ":" + *ref->qualifier
                                 : m.function_arn == base ||
                                       m.function_arn.rfind(base + ":", 0) == 0;
      if (!same) {
        continue;
      }
    }
    items.push_back(std::move(m));
  }
  auto page = Paginate(items.size(), marker, *max);
  if (!page) {
    return errors::InvalidParameterValue("Invalid marker: " + marker.value_or(""));
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    list.PushBack(out.Copy(MappingOutput(items[i])), out.a());
  }
  out.Set("EventSourceMappings", std::move(list));
  if (page->next_marker) {
    out.SetStr("NextMarker", *page->next_marker);
  }
  return out.Take();
}

asio::awaitable<Result<Output>> LambdaService::UpdateEventSourceMapping(RequestContext& ctx,
                                                                        ParamReader& in) {
  auto found = FindMappingInScope(ctx, in);
  if (!found) {
    co_return found.error();
  }
  auto function_name = in.OptString("FunctionName");
  std::optional<bool> enabled;
  if (in.Has("Enabled")) {
    enabled = in.Bool("Enabled");
  }
  if (in.error()) {
    co_return *in.error();
  }
  if (found->state == "Deleting") {
    co_return errors::ResourceInUse(
        "Cannot update the event source mapping because it is being deleted.");
  }
  EventSourceMapping m = std::move(*found);
  std::optional<Target> target;
  if (function_name) {
    auto t = ResolveRef(ctx, *function_name, std::nullopt, QualifierUse::kAllowed);
    if (!t) {
      co_return t.error();
    }
    m.function_arn = t->Arn();
    target = std::move(*t);
  }
  if (auto e = ApplyMappingSettings(in, m)) {
    co_return *e;
  }
  if (target) {
    auto queue = co_await LookupQueue(m.event_source_arn);
    if (queue && queue->visibility_timeout < target->version.timeout) {
      co_return errors::InvalidParameterValue(
          "Queue visibility timeout: " + std::to_string(queue->visibility_timeout) +
          " seconds is less than Function timeout: " + std::to_string(target->version.timeout) +
          " seconds");
    }
  }
  // The mapping may have changed while the queue was looked up.
  auto current = store_->FindMapping(m.uuid);
  if (!current || current->state == "Deleting") {
    co_return errors::ResourceDoesNotExist();
  }
  bool was_enabled = current->enabled;
  if (enabled) {
    m.enabled = *enabled;
  }
  m.state = m.enabled == was_enabled ? "Updating" : (m.enabled ? "Enabling" : "Disabling");
  m.last_modified = EpochSeconds(*clock_);
  store_->PutMapping(m);
  ScheduleMappingSettle(m.uuid);
  SyncPoller(m);
  co_return MappingOutput(m);
}

Result<Output> LambdaService::DeleteEventSourceMapping(RequestContext& ctx, ParamReader& in) {
  auto m = FindMappingInScope(ctx, in);
  if (!m) {
    return m.error();
  }
  if (m->state == "Deleting") {
    return errors::ResourceInUse(
        "Cannot delete the event source mapping because it is being deleted.");
  }
  m->state = "Deleting";
  m->last_modified = EpochSeconds(*clock_);
  store_->PutMapping(*m);
  StopPoller(m->uuid);
  ScheduleMappingSettle(m->uuid);
  return MappingOutput(*m);
}

void LambdaService::ScheduleMappingSettle(const std::string& uuid) {
  if (!strand_) {
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(strand_, options_.settle_delay);
  timers_.insert(timer);
  timer->async_wait(
      [this, timer, uuid, generation = generation_](const boost::system::error_code& ec) {
        timers_.erase(timer);
        if (ec || stopping_ || generation != generation_) {
          return;
        }
        auto m = store_->FindMapping(uuid);
        if (!m) {
          return;
        }
        if (m->state == "Deleting") {
          store_->DeleteMapping(uuid);
          return;
        }
        std::string settled = m->enabled ? "Enabled" : "Disabled";
        if (m->state != settled) {
          m->state = settled;
          store_->PutMapping(*m);
        }
      });
}

void LambdaService::SyncPoller(const EventSourceMapping& m) {
  if (!m.enabled || m.state == "Deleting") {
    StopPoller(m.uuid);
    return;
  }
  if (client_ == nullptr || !strand_ || stopping_) {
    return;
  }
  auto settings = PollerSettings::From(m);
  if (!settings) {
    std::fprintf(stderr, "nimbus: lambda: event source mapping %s cannot poll %s\n",
                 m.uuid.c_str(), m.event_source_arn.c_str());
    return;
  }
  if (auto it = pollers_.find(m.uuid); it != pollers_.end()) {
    it->second->Update(std::move(*settings));
    return;
  }
  auto poller = std::make_shared<SqsPoller>(strand_, *client_, static_cast<BatchInvoker&>(*this),
                                            std::move(*settings), options_.poller);
  pollers_.emplace(m.uuid, poller);
  poller->Start();
}

void LambdaService::StopPoller(const std::string& uuid) {
  auto it = pollers_.find(uuid);
  if (it == pollers_.end()) {
    return;
  }
  it->second->Stop();
  pollers_.erase(it);
}

const SqsPoller* LambdaService::PollerOf(const std::string& uuid) const {
  auto it = pollers_.find(uuid);
  return it == pollers_.end() ? nullptr : it->second.get();
}

void LambdaService::ResumeAfterRestart() {
  // Mappings caught mid-transition settle; enabled ones poll again.
  for (auto& m : store_->AllMappings()) {
    if (m.state == "Deleting") {
      store_->DeleteMapping(m.uuid);
      continue;
    }
    std::string settled = m.enabled ? "Enabled" : "Disabled";
    if (m.state != settled) {
      m.state = settled;
      store_->PutMapping(m);
    }
    SyncPoller(m);
  }
  // Queued events run again, retries at their scheduled time.
  int64_t now = clock_->NowMillis();
  for (auto& e : store_->AllEvents()) {
    auto event = std::make_shared<AsyncEvent>();
    event->e = std::move(e);
    event->generation = generation_;
    ScheduleEvent(event, std::chrono::milliseconds(std::max<int64_t>(0, event->e.not_before_ms - now)));
  }
  ResumeProvisioned();
}

// ---------------------------------------------------------------------------------------------
// Event invoke configs

Output LambdaService::InvokeConfigOutput(const EventInvokeConfig& c) {
  Out out;
  out.Set("LastModified", Value(c.last_modified));
  out.SetStr("FunctionArn", QualifiedArn(c.region, c.account, c.function, c.qualifier));
  if (c.maximum_retry_attempts) {
    out.Set("MaximumRetryAttempts", Value(*c.maximum_retry_attempts));
  }
  if (c.maximum_event_age) {
    out.Set("MaximumEventAgeInSeconds", Value(*c.maximum_event_age));
  }
  Value destinations(rapidjson::kObjectType);
  Value on_success(rapidjson::kObjectType);
  if (!c.on_success.empty()) {
    out.SetStr(on_success, "Destination", c.on_success);
  }
  Value on_failure(rapidjson::kObjectType);
  if (!c.on_failure.empty()) {
    out.SetStr(on_failure, "Destination", c.on_failure);
  }
  out.Set(destinations, "OnSuccess", std::move(on_success));
  out.Set(destinations, "OnFailure", std::move(on_failure));
  out.Set("DestinationConfig", std::move(destinations));
  return out.Take();
}

std::optional<AwsError> LambdaService::ApplyInvokeConfig(ParamReader& in, EventInvokeConfig& c) {
  if (auto v = in.OptInt("MaximumRetryAttempts")) {
    if (auto e = CheckRange("maximumRetryAttempts", *v, 0, 2)) {
      return e;
    }
    c.maximum_retry_attempts = *v;
  }
  if (auto v = in.OptInt("MaximumEventAgeInSeconds")) {
    if (auto e = CheckRange("maximumEventAgeInSeconds", *v, 60, kDefaultMaximumEventAgeSeconds)) {
      return e;
    }
    c.maximum_event_age = *v;
  }
  if (const Value* dc = in.Value("DestinationConfig"); dc != nullptr && dc->IsObject()) {
    for (auto [key, target] : {std::pair{"OnSuccess", &c.on_success},
                               std::pair{"OnFailure", &c.on_failure}}) {
      auto it = dc->FindMember(key);
      if (it == dc->MemberEnd() || !it->value.IsObject()) {
        continue;
      }
      ParamReader d(it->value);
      std::string arn = d.String("Destination");
      if (!arn.empty() && !ValidDestination(arn)) {
        return errors::InvalidParameterValue("The destination ARN " + arn + " is invalid.");
      }
      *target = arn;  // {} clears the destination
    }
  }
  if (in.error()) {
    return *in.error();
  }
  return std::nullopt;
}

Result<Output> LambdaService::PutFunctionEventInvokeConfig(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  EventInvokeConfig c;
  c.account = t->function.account;
  c.region = t->function.region;
  c.function = t->function.name;
  c.qualifier = t->qualifier.empty() ? kLatest : t->qualifier;
  // Put replaces the whole configuration: members left out return to their defaults.
  if (auto e = ApplyInvokeConfig(in, c)) {
    return *e;
  }
  c.last_modified = EpochSeconds(*clock_);
  store_->PutInvokeConfig(c);
  return InvokeConfigOutput(c);
}

Result<Output> LambdaService::UpdateFunctionEventInvokeConfig(RequestContext& ctx,
                                                              ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  std::string qualifier = t->qualifier.empty() ? kLatest : t->qualifier;
  auto c = store_->FindInvokeConfig(t->scope(), t->function.name, qualifier);
  if (!c) {
    return errors::ResourceNotFound("The function " + t->Arn() +
                                    " doesn't have an EventInvokeConfig");
  }
  if (auto e = ApplyInvokeConfig(in, *c)) {
    return *e;
  }
  c->last_modified = EpochSeconds(*clock_);
  store_->PutInvokeConfig(*c);
  return InvokeConfigOutput(*c);
}

Result<Output> LambdaService::GetFunctionEventInvokeConfig(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  auto c = store_->FindInvokeConfig(t->scope(), t->function.name,
                                    t->qualifier.empty() ? kLatest : t->qualifier);
  if (!c) {
    return errors::ResourceNotFound("The function " + t->Arn() +
                                    " doesn't have an EventInvokeConfig");
  }
  return InvokeConfigOutput(*c);
}

Result<Output> LambdaService::DeleteFunctionEventInvokeConfig(RequestContext& ctx,
                                                              ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  std::string qualifier = t->qualifier.empty() ? kLatest : t->qualifier;
  if (!store_->FindInvokeConfig(t->scope(), t->function.name, qualifier)) {
    return errors::ResourceNotFound("The function " + t->Arn() +
                                    " doesn't have an EventInvokeConfig");
  }
  store_->DeleteInvokeConfig(t->scope(), t->function.name, qualifier);
  return EmptyOutput();
}

Result<Output> LambdaService::ListFunctionEventInvokeConfigs(RequestContext& ctx,
                                                             ParamReader& in) {
  auto fn = ResolveFunction(ctx, in);
  if (!fn) {
    return fn.error();
  }
  auto marker = in.OptString("Marker");
  AwsError error;
  auto max = ReadMaxItems(in, kMaxInvokeConfigListItems, kMaxInvokeConfigListItems, error);
  if (!max) {
    return error;
  }
  if (in.error()) {
    return *in.error();
  }
  auto configs = store_->ListInvokeConfigs(Scope{fn->account, fn->region}, fn->name);
  auto page = Paginate(configs.size(), marker, *max);
  if (!page) {
    return errors::InvalidParameterValue("Invalid marker: " + marker.value_or(""));
  }
  Out out;
  Value list(rapidjson::kArrayType);
  for (size_t i = page->begin; i < page->end; ++i) {
    list.PushBack(out.Copy(InvokeConfigOutput(configs[i])), out.a());
  }
  out.Set("FunctionEventInvokeConfigs", std::move(list));
  if (page->next_marker) {
    out.SetStr("NextMarker", *page->next_marker);
  }
  return out.Take();
}

}  // namespace nimbus::lambda
