// LambdaService: Invoke, InvokeAsync and the queue of Event invocations.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/lambda/lambda_errors.h"
#include "services/lambda/lambda_internal.h"
#include "services/lambda/lambda_service.h"

namespace nimbus::lambda {
namespace asio = boost::asio;
using rapidjson::Value;

namespace {

constexpr size_t kMaxSyncPayload = 6291456;  // AWS: 6 MB for RequestResponse
// AWS raised the asynchronous payload limit from 256 KB to 1 MB in 2025.
constexpr size_t kMaxAsyncPayload = 1048576;
constexpr size_t kMaxClientContext = 3583;
// Throttled events are retried after 1 s, then backing off up to 5 s.
constexpr auto kThrottleRetry = std::chrono::milliseconds(1000);
constexpr auto kMaxThrottleRetry = std::chrono::milliseconds(5000);

// An invoke that failed before the function ran, as an error document (destination records,
// dead-letter ErrorMessage).
std::string ErrorDocument(const AwsError& e) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("errorType");
  w.String(e.code.c_str(), static_cast<rapidjson::SizeType>(e.code.size()));
  w.Key("errorMessage");
  w.String(e.message.c_str(), static_cast<rapidjson::SizeType>(e.message.size()));
  w.EndObject();
  return sb.GetString();
}

// arn:<partition>:<service>:<region>:<account>:<resource...>
struct ArnParts {
  std::string service;
  std::string region;
  std::string account;
  std::string resource;
};
std::optional<ArnParts> SplitArn(const std::string& arn) {
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
  if (parts[0] != "arn") {
    return std::nullopt;
  }
  return ArnParts{parts[2], parts[3], parts[4], arn.substr(start)};
}

std::optional<AwsError> CheckJsonPayload(const std::string& payload) {
  if (payload.empty()) {
    return std::nullopt;
  }
  rapidjson::Document d;
  d.Parse(payload.data(), payload.size());
  if (d.HasParseError()) {
    return errors::InvalidRequestContent(
        "Could not parse request body into json: Could not parse payload into json: "
        "Unexpected character or end of input at offset " +
        std::to_string(d.GetErrorOffset()));
  }
  return std::nullopt;
}

// Changes to a hot-reload folder must reach the next invocation: the newest mtime and the file
// count stand in for the code's revision.
std::string FolderFingerprint(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // file_clock counts can be negative (its epoch is in the future), so start from the minimum.
  int64_t newest = std::numeric_limits<int64_t>::min();
  int64_t files = 0;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == "__pycache__") {
      it.disable_recursion_pending();  // bytecode caches are not the user's code
      continue;
    }
    ++files;
    std::error_code entry_ec;
    auto mtime = fs::last_write_time(it->path(), entry_ec);
    if (!entry_ec) {
      newest = std::max<int64_t>(newest, mtime.time_since_epoch().count());
    }
  }
  return std::to_string(newest) + "-" + std::to_string(files);
}

}  // namespace

runtime::FunctionConfig LambdaService::BuildRuntimeConfig(const Function& fn,
                                                          const FunctionVersion& v) const {
  runtime::FunctionConfig c;
  c.account = fn.account;
  c.region = fn.region;
  c.function_name = fn.name;
  c.function_arn = FunctionArn(fn.region, fn.account, fn.name);
  c.version = v.version;
  c.runtime = v.runtime;
  c.handler = v.handler;
  c.code_dir = v.code.dir;
  for (const auto& layer : v.layers) {
    c.layer_dirs.push_back(layer.code_dir);
  }
  c.environment = v.environment;
  c.timeout_seconds = static_cast<int>(v.timeout);
  c.memory_mb = static_cast<int>(v.memory_size);
  if (fn.reserved_concurrency) {
    c.reserved_concurrency = static_cast<int>(*fn.reserved_concurrency);
  }
  c.revision_id = v.revision_id;
  if (v.code.hot_reload) {
    c.revision_id.append(":").append(FolderFingerprint(v.code.dir));
  }
  c.role = v.role;
  c.log_group = v.log_group;
  return c;
}

std::string LambdaService::PickVersion(const Alias& alias) {
  if (alias.additional_weights.empty()) {
    return alias.function_version;
  }
  const auto& [version, weight] = *alias.additional_weights.begin();
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  return dist(rng_) < weight ? version : alias.function_version;
}

asio::awaitable<Result<Output>> LambdaService::Invoke(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    co_return t.error();
  }
  std::string type = in.String("InvocationType", "RequestResponse");
  std::string log_type = in.String("LogType", "None");
  std::string payload = in.String("Payload");
  auto client_context = in.OptString("ClientContext");
  if (in.error()) {
    co_return *in.error();
  }
  if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
    co_return errors::ValidationField(type, "invocationType",
                                      "Member must satisfy enum value set: [RequestResponse, "
                                      "Event, DryRun]");
  }
  if (log_type != "None" && log_type != "Tail") {
    co_return errors::ValidationField(log_type, "logType",
                                      "Member must satisfy enum value set: [None, Tail]");
  }
  size_t limit = type == "Event" ? kMaxAsyncPayload : kMaxSyncPayload;
  if (payload.size() > limit) {
    co_return errors::RequestTooLarge("Request must be smaller than " + std::to_string(limit) +
                                      " bytes for the InvokeFunction operation");
  }
  if (auto e = CheckJsonPayload(payload)) {
    co_return *e;
  }
  std::string context_text;
  if (client_context && !client_context->empty()) {
    auto decoded = Base64Decode(*client_context);
    rapidjson::Document d;
    if (decoded) {
      d.Parse(decoded->data(), decoded->size());
    }
    if (!decoded || d.HasParseError() || !d.IsObject()) {
      co_return errors::InvalidParameterValue(
          "Client context must be a valid Base64-encoded JSON object.");
    }
    if (decoded->size() > kMaxClientContext) {
      co_return errors::InvalidParameterValue("Client context must be smaller than " +
                                              std::to_string(kMaxClientContext) + " bytes.");
    }
    // It travels to the runtime in the Lambda-Runtime-Client-Context header, which runtimes
    // read as Latin-1: written back with \u escapes, non-ASCII text survives the trip.
    rapidjson::StringBuffer ascii;
    rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::ASCII<>> w(ascii);
    d.Accept(w);
    context_text.assign(ascii.GetString(), ascii.GetSize());
  }
  if (t->alias) {
    std::string picked = PickVersion(*t->alias);
    if (picked != t->version.version) {
      auto v = store_->FindVersion(t->scope(), t->function.name, picked);
      if (!v) {
        co_return errors::FunctionNotFound(
            QualifiedArn(t->function.region, t->function.account, t->function.name, picked));
      }
      t->version = std::move(*v);
    }
  }
  PrepareTarget(*t);
  Out out;
  if (type == "DryRun") {
    out.Set("StatusCode", Value(204));
    co_return out.Take();
  }
  if (type == "Event") {
    if (auto e = Enqueue(ctx, *t, std::move(payload))) {
      co_return *e;
    }
    out.Set("StatusCode", Value(202));
    co_return out.Take();
  }
  runtime::InvokeRequest request;
  request.request_id = ctx.request_id.empty() ? NewUuid() : ctx.request_id;
  request.payload = payload.empty() ? "{}" : std::move(payload);
  request.client_context = std::move(context_text);
  request.tail_log = log_type == "Tail";
  // AWS: the runtime sees the ARN the caller used (an alias stays an alias).
  if (!t->qualifier.empty()) {
    request.invoked_function_arn = t->Arn();
  }
  std::string version = t->version.version;
  auto result = co_await RunSync(*t, std::move(request));
  if (!result) {
    co_return result.error();
  }
  out.Set("StatusCode", Value(200));
  out.Set("Payload", out.Str(result->payload));
  out.SetStr("ExecutedVersion",
             result->executed_version.empty() ? version : result->executed_version);
  if (!result->function_error.empty()) {
    out.SetStr("FunctionError", result->function_error);
  }
  if (log_type == "Tail") {
    out.SetStr("LogResult", Base64Encode(result->log_tail));
  }
  co_return out.Take();
}

Result<Output> LambdaService::InvokeAsync(RequestContext& ctx, ParamReader& in) {
  auto t = Resolve(ctx, in);
  if (!t) {
    return t.error();
  }
  std::string payload = in.String("InvokeArgs");
  if (in.error()) {
    return *in.error();
  }
  if (payload.size() > kMaxAsyncPayload) {
    return errors::RequestTooLarge("Request must be smaller than " +
                                   std::to_string(kMaxAsyncPayload) +
                                   " bytes for the InvokeAsync operation");
  }
  if (auto e = CheckJsonPayload(payload)) {
    return *e;
  }
  if (t->alias) {
    t->version.version = PickVersion(*t->alias);
  }
  if (auto e = Enqueue(ctx, *t, std::move(payload))) {
    return *e;
  }
  Out out;
  out.Set("Status", Value(202));
  return out.Take();
}

void LambdaService::PrepareTarget(Target& t) {
  // AWS answers ResourceConflictException while a function is Pending. Nothing is provisioned
  // here, so a function invoked before its settle timer fires becomes Active at once.
  if (t.version.state == "Pending") {
    SettleNow(t.version);
    store_->PutVersion(t.version);
  }
}

asio::awaitable<Result<runtime::InvokeResult>> LambdaService::RunSync(
    const Target& t, runtime::InvokeRequest request) {
  if (t.function.reserved_concurrency && *t.function.reserved_concurrency == 0) {
    // The same answer as the executor's when every reserved environment is busy.
    AwsError throttled = errors::TooManyRequests("Rate Exceeded.");
    throttled.fields = {{"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"}};
    co_return throttled;
  }
  runtime::FunctionConfig config = BuildRuntimeConfig(t.function, t.version);
  co_await AddRoleCredentials(config);
  co_return co_await executor_.Invoke(config, std::move(request));
}

asio::awaitable<Result<runtime::InvokeResult>> LambdaService::InvokeForMapping(
    const Scope& scope, const std::string& function_arn, std::string payload) {
  RequestContext ctx;
  ctx.scope = scope;
  ctx.internal = true;
  ctx.clock = clock_;
  auto t = ResolveRef(ctx, function_arn, std::nullopt, QualifierUse::kAllowed);
  if (!t) {
    co_return t.error();
  }
  if (t->alias) {
    std::string picked = PickVersion(*t->alias);
    if (picked != t->version.version) {
      auto v = store_->FindVersion(t->scope(), t->function.name, picked);
      if (!v) {
        co_return errors::FunctionNotFound(
            QualifiedArn(t->function.region, t->function.account, t->function.name, picked));
      }
      t->version = std::move(*v);
    }
  }
  PrepareTarget(*t);
  runtime::InvokeRequest request;
  request.request_id = NewUuid();
  request.payload = std::move(payload);
  auto result = co_await RunSync(*t, std::move(request));
  if (result && result->executed_version.empty()) {
    result->executed_version = t->version.version;
  }
  co_return result;
}

// ---------------------------------------------------------------------------------------------
// The queue of Event invocations

std::optional<AwsError> LambdaService::Enqueue(const RequestContext& ctx, const Target& t,
                                               std::string payload) {
  auto event = std::make_shared<AsyncEvent>();
  QueuedEvent& e = event->e;
  e.account = t.function.account;
  e.region = t.function.region;
  e.function = t.function.name;
  e.qualifier = t.qualifier;
  e.version = t.version.version;
  e.payload = payload.empty() ? "{}" : std::move(payload);
  e.request_id = ctx.request_id.empty() ? NewUuid() : ctx.request_id;
  e.enqueued_ms = clock_->NowMillis();
  e.not_before_ms = e.enqueued_ms;
  // Stored before the 202: with PERSISTENCE=1 an accepted event survives a restart.
  e.id = store_->InsertEvent(e);
  event->generation = generation_;
  events_.push_back(std::move(event));
  PumpEvents();
  return std::nullopt;
}

void LambdaService::PumpEvents() {
  if (!strand_) {
    return;
  }
  while (!stopping_ && event_workers_ < options_.max_async_in_flight &&
         event_workers_ < events_.size()) {
    ++event_workers_;
    asio::co_spawn(strand_, DrainEvents(), asio::detached);
  }
}

void LambdaService::ScheduleEvent(std::shared_ptr<AsyncEvent> event,
                                  std::chrono::milliseconds delay) {
  if (!strand_ || stopping_) {
    return;  // still stored: a restart with PERSISTENCE=1 picks it up
  }
  if (delay.count() <= 0) {
    events_.push_back(std::move(event));
    PumpEvents();
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(strand_, delay);
  timers_.insert(timer);
  timer->async_wait([this, timer, event](const boost::system::error_code& ec) {
    timers_.erase(timer);
    if (ec || stopping_ || event->generation != generation_) {
      return;
    }
    events_.push_back(event);
    PumpEvents();
  });
}

asio::awaitable<void> LambdaService::DrainEvents() {
  while (!stopping_ && !events_.empty()) {
    auto event = std::move(events_.front());
    events_.pop_front();
    co_await RunEvent(std::move(event));
  }
  --event_workers_;
}

std::optional<EventInvokeConfig> LambdaService::InvokeConfigFor(const Scope& scope,
                                                                const std::string& function,
                                                                const std::string& qualifier) {
  return store_->FindInvokeConfig(scope, function, qualifier.empty() ? kLatest : qualifier);
}

RetryPolicy LambdaService::PolicyFor(const Scope& scope, const std::string& function,
                                     const std::string& qualifier) {
  RetryPolicy p;
  p.retry_base = options_.async_retry_base;
  if (auto c = InvokeConfigFor(scope, function, qualifier)) {
    p.maximum_retry_attempts = c->maximum_retry_attempts.value_or(p.maximum_retry_attempts);
    if (c->maximum_event_age) {
      p.maximum_event_age_ms = *c->maximum_event_age * 1000;
    }
  }
  return p;
}

asio::awaitable<void> LambdaService::RunEvent(std::shared_ptr<AsyncEvent> event) {
  if (event->generation != generation_) {
    co_return;
  }
  QueuedEvent& e = event->e;
  Scope scope{e.account, e.region};
  auto fn = store_->FindFunction(scope, e.function);
  auto version = fn ? store_->FindVersion(scope, e.function, e.version) : std::nullopt;
  if (!fn || !version) {
    std::fprintf(stderr, "nimbus: lambda: dropping event %s: %s:%s no longer exists\n",
                 e.request_id.c_str(), e.function.c_str(), e.version.c_str());
    store_->DeleteEvent(e.id);
    co_return;
  }
  RetryPolicy policy = PolicyFor(scope, e.function, e.qualifier);
  if (EventTooOld(policy, clock_->NowMillis() - e.enqueued_ms)) {
    co_await FinishEvent(event, *version, AsyncCondition::kEventAgeExceeded);
    co_return;
  }
  if (version->state == "Pending") {
    SettleNow(*version);
    store_->PutVersion(*version);
  }
  runtime::InvokeRequest request;
  request.request_id = e.request_id;
  request.payload = e.payload;
  runtime::FunctionConfig config = BuildRuntimeConfig(*fn, *version);
  co_await AddRoleCredentials(config);
  if (event->generation != generation_) {
    co_return;  // reset while the role session was issued
  }
  auto result = co_await executor_.Invoke(config, std::move(request));
  if (event->generation != generation_) {
    co_return;  // reset while it ran
  }
  if (!result && (result.error().code == "TooManyRequestsException" ||
                  result.error().fault == Fault::kReceiver || stopping_)) {
    // AWS: throttles and system errors send the event back to the queue, retried with backoff
    // up to its maximum age; they are not attempts. An event cut short by shutdown stays
    // stored for the next start.
    if (result.error().fault == Fault::kReceiver && !stopping_) {
      std::fprintf(stderr, "nimbus: lambda: event %s for %s:%s will be retried: %s %s\n",
                   e.request_id.c_str(), e.function.c_str(), e.version.c_str(),
                   result.error().code.c_str(), result.error().message.c_str());
    }
    auto delay = std::min<std::chrono::milliseconds>(
        kThrottleRetry * (int64_t{1} << std::min(event->deferrals, 8)), kMaxThrottleRetry);
    ++event->deferrals;
    ScheduleEvent(event, delay);
    co_return;
  }
  ++e.attempts;
  if (result) {
    e.last_response = result->payload;
    e.last_function_error = result->function_error;
    e.last_executed_version =
        result->executed_version.empty() ? version->version : result->executed_version;
  } else {
    e.last_response = ErrorDocument(result.error());
    e.last_function_error = "Unhandled";
    e.last_executed_version = version->version;
  }
  if (result && result->function_error.empty()) {
    co_await FinishEvent(event, *version, AsyncCondition::kSuccess);
    co_return;
  }
  int64_t now = clock_->NowMillis();
  auto decision = AfterFailure(policy, e.attempts, now - e.enqueued_ms);
  if (decision.retry) {
    e.not_before_ms = now + decision.delay.count();
    store_->UpdateEventProgress(e);
    ScheduleEvent(event, decision.delay);
    co_return;
  }
  co_await FinishEvent(event, *version, decision.condition);
}

asio::awaitable<void> LambdaService::FinishEvent(std::shared_ptr<AsyncEvent> event,
                                                 const FunctionVersion& version,
                                                 AsyncCondition condition) {
  const QueuedEvent& e = event->e;
  Scope scope{e.account, e.region};
  auto config = InvokeConfigFor(scope, e.function, e.qualifier);
  bool success = condition == AsyncCondition::kSuccess;
  std::string destination = config ? (success ? config->on_success : config->on_failure) : "";
  std::string executed = e.last_executed_version.empty() ? version.version : e.last_executed_version;
  if (!destination.empty()) {
    DestinationInput d;
    d.condition = condition;
    d.request_id = e.request_id;
    d.function_arn = QualifiedArn(e.region, e.account, e.function, executed);
    d.approximate_invoke_count = e.attempts;
    d.request_payload = e.payload;
    d.invoked = e.attempts > 0;
    d.executed_version = executed;
    d.function_error = e.last_function_error;
    d.response_payload = e.last_response;
    d.timestamp_ms = clock_->NowMillis();
    co_await Deliver(destination, DestinationRecord(d), nullptr, e.request_id);
  } else if (!success && !version.dead_letter_target_arn.empty()) {
    // AWS: without an on-failure destination the function's dead-letter queue receives the
    // original event, with RequestID, ErrorCode and ErrorMessage attributes.
    auto attributes = std::make_shared<rapidjson::Document>();
    static_cast<Value&>(*attributes) =
        DeadLetterAttributes(e.request_id, 200, ErrorMessageOf(e.last_response),
                             attributes->GetAllocator());
    co_await Deliver(version.dead_letter_target_arn, e.payload, attributes, e.request_id);
  } else if (!success) {
    std::fprintf(stderr,
                 "nimbus: lambda: event %s for %s:%s discarded (%s after %d attempts); no "
                 "on-failure destination or dead-letter queue\n",
                 e.request_id.c_str(), e.function.c_str(), e.version.c_str(),
                 std::string(ConditionName(condition)).c_str(), e.attempts);
  }
  if (event->generation == generation_) {
    store_->DeleteEvent(e.id);
  }
}

asio::awaitable<void> LambdaService::Deliver(std::string arn, std::string body,
                                             std::shared_ptr<rapidjson::Document> attributes,
                                             std::string request_id) {
  auto parts = SplitArn(arn);
  std::string service = parts ? parts->service : "";
  Scope scope = parts ? Scope{parts->account, parts->region} : Scope{};
  auto fail = [&](const std::string& why) {
    std::fprintf(stderr, "nimbus: lambda: could not deliver event %s to %s: %s\n",
                 request_id.c_str(), arn.c_str(), why.c_str());
  };
  if (service == "lambda") {
    RequestContext ctx;
    ctx.scope = scope;
    ctx.internal = true;
    ctx.clock = clock_;
    auto t = ResolveRef(ctx, arn, std::nullopt, QualifierUse::kAllowed);
    if (!t) {
      fail(t.error().code + " " + t.error().message);
      co_return;
    }
    if (t->alias) {
      t->version.version = PickVersion(*t->alias);
    }
    Enqueue(ctx, *t, std::move(body));
    co_return;
  }
  if (client_ == nullptr) {
    fail("no service client");
    co_return;
  }
  rapidjson::Document params(rapidjson::kObjectType);
  auto& a = params.GetAllocator();
  auto str = [&](const std::string& s) {
    return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
  };
  std::string operation;
  if (service == "sqs") {
    operation = "SendMessage";
    params.AddMember("QueueUrl",
                     str("http://localhost/queue/" + parts->region + "/" + parts->account + "/" +
                         parts->resource),
                     a);
    params.AddMember("MessageBody", str(body), a);
  } else if (service == "sns") {
    operation = "Publish";
    params.AddMember("TopicArn", str(arn), a);
    params.AddMember("Message", str(body), a);
  } else {
    fail("destinations of type '" + service + "' are not supported by Nimbus");
    co_return;
  }
  if (attributes) {
    params.AddMember("MessageAttributes", Value(*attributes, a), a);
  }
  auto r = co_await client_->Call(service, operation, scope, std::move(params));
  if (!r) {
    fail(operation + ": " + r.error().code + " " + r.error().message);
  }
}

}  // namespace nimbus::lambda
