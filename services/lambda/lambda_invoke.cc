// LambdaService: Invoke, InvokeAsync and the queue of Event invocations.

#include <chrono>
#include <cstdio>
#include <filesystem>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

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
constexpr auto kThrottleRetry = std::chrono::seconds(1);
constexpr int64_t kMaxEventAgeMs = 6LL * 3600 * 1000;  // AWS: async events live up to 6 hours

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
  int64_t newest = 0;
  int64_t files = 0;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
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
    context_text = std::move(*decoded);
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
  // AWS answers ResourceConflictException while a function is Pending. Nothing is provisioned
  // here, so a function invoked before its settle timer fires becomes Active at once.
  if (t->version.state == "Pending") {
    SettleNow(t->version);
    store_->PutVersion(t->version);
  }
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
  if (t->function.reserved_concurrency && *t->function.reserved_concurrency == 0) {
    co_return errors::TooManyRequests("Rate Exceeded.");
  }
  runtime::InvokeRequest request;
  request.request_id = ctx.request_id.empty() ? NewUuid() : ctx.request_id;
  request.payload = payload.empty() ? "{}" : std::move(payload);
  request.client_context = std::move(context_text);
  request.tail_log = log_type == "Tail";
  runtime::FunctionConfig config = BuildRuntimeConfig(t->function, t->version);
  std::string version = t->version.version;
  auto result = co_await executor_.Invoke(config, std::move(request));
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

std::optional<AwsError> LambdaService::Enqueue(const RequestContext& ctx, const Target& t,
                                               std::string payload) {
  auto event = std::make_shared<AsyncEvent>();
  event->scope = t.scope();
  event->function = t.function.name;
  event->version = t.version.version;
  event->payload = payload.empty() ? "{}" : std::move(payload);
  event->request_id = ctx.request_id.empty() ? NewUuid() : ctx.request_id;
  event->enqueued_ms = clock_->NowMillis();
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

asio::awaitable<void> LambdaService::DrainEvents() {
  while (!stopping_ && !events_.empty()) {
    auto event = std::move(events_.front());
    events_.pop_front();
    co_await RunEvent(std::move(event));
  }
  --event_workers_;
}

asio::awaitable<void> LambdaService::RunEvent(std::shared_ptr<AsyncEvent> event) {
  if (event->generation != generation_) {
    co_return;
  }
  auto fn = store_->FindFunction(event->scope, event->function);
  auto version = fn ? store_->FindVersion(event->scope, event->function, event->version)
                    : std::nullopt;
  if (!fn || !version) {
    std::fprintf(stderr, "nimbus: lambda: dropping event %s: %s:%s no longer exists\n",
                 event->request_id.c_str(), event->function.c_str(), event->version.c_str());
    co_return;
  }
  if (version->state == "Pending") {
    SettleNow(*version);
    store_->PutVersion(*version);
  }
  runtime::InvokeRequest request;
  request.request_id = event->request_id;
  request.payload = event->payload;
  runtime::FunctionConfig config = BuildRuntimeConfig(*fn, *version);
  auto result = co_await executor_.Invoke(config, std::move(request));
  if (result) {
    // TODO(lambda): retries of failed events, DLQs and destinations belong to another issue.
    co_return;
  }
  bool throttled = result.error().code == "TooManyRequestsException";
  if (throttled && !stopping_ && clock_->NowMillis() - event->enqueued_ms < kMaxEventAgeMs) {
    // AWS: a throttled event goes back to the queue and is retried later.
    auto timer = std::make_shared<asio::steady_timer>(strand_, kThrottleRetry);
    timers_.insert(timer);
    timer->async_wait([this, timer, event](const boost::system::error_code& ec) {
      timers_.erase(timer);
      if (ec || stopping_ || event->generation != generation_) {
        return;
      }
      events_.push_back(event);
      PumpEvents();
    });
    co_return;
  }
  std::fprintf(stderr, "nimbus: lambda: event %s for %s:%s failed: %s %s\n",
               event->request_id.c_str(), event->function.c_str(), event->version.c_str(),
               result.error().code.c_str(), result.error().message.c_str());
}

}  // namespace nimbus::lambda
