#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "services/common/lazy.h"
#include "services/common/service.h"
#include "services/lambda/async_invoker.h"
#include "services/lambda/lambda_store.h"
#include "services/lambda/runtime/executor.h"
#include "services/lambda/sqs_poller.h"

namespace nimbus::lambda {

struct LambdaOptions {
  // How long a new function stays Pending (and an update InProgress) before it settles to
  // Active/Successful. Nothing is really being provisioned; the delay only lets clients and
  // waiters observe the states AWS reports.
  std::chrono::milliseconds settle_delay{50};
  // host[:port] put in function URLs (NIMBUS_HOST / LOCALSTACK_HOST); empty = the default
  // localhost.localstack.cloud with the request's port.
  std::string url_host;
  // Event (asynchronous) invocations run at most this many at a time, in arrival order.
  size_t max_async_in_flight = 8;
  // Retries of failed Event invocations wait this long, then twice as long
  // (LAMBDA_ASYNC_RETRY_BASE_MS). AWS waits about 1 and 2 minutes.
  std::chrono::milliseconds async_retry_base{1000};
  // PERSISTENCE=1: at start, resume the pollers of enabled event source mappings and the
  // queued Event invocations kept in the database.
  bool resume_on_start = false;
  PollerOptions poller;

  static LambdaOptions FromEnvironment();
};

struct Target;
struct AsyncEvent;
struct QueueFacts;

// What a function URL invokes: its config, found by the <url-id> label of the URL's host.
struct FunctionUrlTarget {
  Scope scope;
  std::string function_name;
  std::string qualifier;  // "" (the function, $LATEST) or an alias name
  std::string auth_type;  // "NONE" | "AWS_IAM"
  std::string invoke_mode;  // "BUFFERED" | "RESPONSE_STREAM"
  std::string cors_json;    // the Cors structure as configured (JSON text), "" if none
};

// AWS Lambda control plane: functions, versions, aliases, resource policies, concurrency,
// tags, layers, function URL configs, event source mappings, event invoke configs, and Invoke,
// which hands execution to the Executor. All handlers run on the service's strand; Invoke is a
// coroutine that awaits the executor (other requests are served meanwhile).
//
// Event invocations (and every other asynchronous source) go through a queue kept in the
// database until each event is done, and run on the strand, at most `max_async_in_flight` at
// a time. A throttled event (or one that met a system error) goes back to the queue, retried
// after 1 s backing off to 5 s, up to its maximum age, without counting as an attempt; a
// failed one is retried up to MaximumRetryAttempts times, after `async_retry_base` then twice
// that. Then it goes to its OnSuccess/OnFailure destination (SQS, SNS or Lambda), or on
// failure to the function's dead-letter queue. With PERSISTENCE=1 the queue survives restarts.
//
// Event source mappings (SQS) run an SqsPoller each while enabled; the pollers call back into
// the service (BatchInvoker) to invoke the function synchronously.
//
// `executor` and `code_store` must outlive the service.
class LambdaService final : public Service, private BatchInvoker {
 public:
  LambdaService(runtime::Executor& executor, runtime::CodeStore& code_store,
                LambdaOptions options = LambdaOptions::FromEnvironment());
  ~LambdaService() override;

  std::string_view Name() const override { return "lambda"; }
  void Register(OperationTable& table) override;
  void Start(const ServiceEnv& env) override;
  void Stop() override;
  void Reset() override;

  // Functions.
  Result<Output> CreateFunction(RequestContext& ctx, ParamReader& in);
  Result<Output> GetFunction(RequestContext& ctx, ParamReader& in);
  Result<Output> GetFunctionConfiguration(RequestContext& ctx, ParamReader& in);
  Result<Output> ListFunctions(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateFunctionCode(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateFunctionConfiguration(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteFunction(RequestContext& ctx, ParamReader& in);

  // Versions and aliases.
  Result<Output> PublishVersion(RequestContext& ctx, ParamReader& in);
  Result<Output> ListVersionsByFunction(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateAlias(RequestContext& ctx, ParamReader& in);
  Result<Output> GetAlias(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateAlias(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteAlias(RequestContext& ctx, ParamReader& in);
  Result<Output> ListAliases(RequestContext& ctx, ParamReader& in);

  // Invocation.
  boost::asio::awaitable<Result<Output>> Invoke(RequestContext& ctx, ParamReader& in);
  Result<Output> InvokeAsync(RequestContext& ctx, ParamReader& in);

  // Resource policy.
  Result<Output> AddPermission(RequestContext& ctx, ParamReader& in);
  Result<Output> RemovePermission(RequestContext& ctx, ParamReader& in);
  Result<Output> GetPolicy(RequestContext& ctx, ParamReader& in);

  // Concurrency and account.
  Result<Output> PutFunctionConcurrency(RequestContext& ctx, ParamReader& in);
  Result<Output> GetFunctionConcurrency(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteFunctionConcurrency(RequestContext& ctx, ParamReader& in);

  // Provisioned concurrency (lambda_provisioned.cc): real environments kept warm.
  boost::asio::awaitable<Result<Output>> PutProvisionedConcurrencyConfig(RequestContext& ctx,
                                                                         ParamReader& in);
  boost::asio::awaitable<Result<Output>> GetProvisionedConcurrencyConfig(RequestContext& ctx,
                                                                         ParamReader& in);
  boost::asio::awaitable<Result<Output>> ListProvisionedConcurrencyConfigs(RequestContext& ctx,
                                                                           ParamReader& in);
  boost::asio::awaitable<Result<Output>> DeleteProvisionedConcurrencyConfig(RequestContext& ctx,
                                                                            ParamReader& in);
  Result<Output> GetAccountSettings(RequestContext& ctx, ParamReader& in);

  // Tags.
  Result<Output> TagResource(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagResource(RequestContext& ctx, ParamReader& in);
  Result<Output> ListTags(RequestContext& ctx, ParamReader& in);

  // Layers.
  Result<Output> PublishLayerVersion(RequestContext& ctx, ParamReader& in);
  Result<Output> GetLayerVersion(RequestContext& ctx, ParamReader& in);
  Result<Output> GetLayerVersionByArn(RequestContext& ctx, ParamReader& in);
  Result<Output> ListLayers(RequestContext& ctx, ParamReader& in);
  Result<Output> ListLayerVersions(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteLayerVersion(RequestContext& ctx, ParamReader& in);

  // Event source mappings (SQS).
  boost::asio::awaitable<Result<Output>> CreateEventSourceMapping(RequestContext& ctx,
                                                                  ParamReader& in);
  Result<Output> GetEventSourceMapping(RequestContext& ctx, ParamReader& in);
  Result<Output> ListEventSourceMappings(RequestContext& ctx, ParamReader& in);
  boost::asio::awaitable<Result<Output>> UpdateEventSourceMapping(RequestContext& ctx,
                                                                  ParamReader& in);
  Result<Output> DeleteEventSourceMapping(RequestContext& ctx, ParamReader& in);

  // Asynchronous invocation settings.
  Result<Output> PutFunctionEventInvokeConfig(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateFunctionEventInvokeConfig(RequestContext& ctx, ParamReader& in);
  Result<Output> GetFunctionEventInvokeConfig(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteFunctionEventInvokeConfig(RequestContext& ctx, ParamReader& in);
  Result<Output> ListFunctionEventInvokeConfigs(RequestContext& ctx, ParamReader& in);

  // Function URL configs (configuration only; the edge serves the URLs).
  Result<Output> CreateFunctionUrlConfig(RequestContext& ctx, ParamReader& in);
  Result<Output> GetFunctionUrlConfig(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateFunctionUrlConfig(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteFunctionUrlConfig(RequestContext& ctx, ParamReader& in);
  Result<Output> ListFunctionUrlConfigs(RequestContext& ctx, ParamReader& in);

  // For the edge's function-URL route: the URL config with this id, if any. Must be called on
  // the service's strand (e.g. from code posted there); the function may be invoked through
  // Invoke with FunctionName=function_name, Qualifier=qualifier.
  std::optional<FunctionUrlTarget> FindFunctionUrl(const std::string& url_id);

  // Events queued and not yet started (tests and diagnostics).
  size_t queued_events() const { return events_.size(); }
  // The pollers of a mapping, nullptr when none run (tests and diagnostics).
  const SqsPoller* PollerOf(const std::string& uuid) const;

 private:
  enum class QualifierUse { kAllowed, kLatestOnly };

  // Resolves FunctionName (+ the Qualifier member when the operation has one) to the function
  // and the version it names (an alias resolves to its primary version).
  Result<Target> Resolve(const RequestContext& ctx, ParamReader& in,
                         QualifierUse use = QualifierUse::kAllowed);
  Result<Function> ResolveFunction(const RequestContext& ctx, ParamReader& in);
  Result<Target> ResolveRef(const RequestContext& ctx, const std::string& function_name,
                            const std::optional<std::string>& qualifier_param, QualifierUse use);

  // Reads and checks the configuration members Create/UpdateFunctionConfiguration share.
  std::optional<AwsError> ApplyConfiguration(ParamReader& in, FunctionVersion& v);
  Result<CodeRef> ReadCode(const rapidjson::Value& code, const std::string& operation);
  // Layer version ARNs (any account/region held here) → their stored packages, in order.
  Result<std::vector<LayerRef>> ResolveLayers(const rapidjson::Value& arns);
  FunctionVersion Publish(Function& function, const FunctionVersion& latest,
                          const std::optional<std::string>& description);
  void MarkUpdated(FunctionVersion& v);
  void ScheduleSettle(const FunctionVersion& v);
  void Settle(const Scope& scope, const std::string& name, const std::string& version);
  void SettleNow(FunctionVersion& v);
  runtime::FunctionConfig BuildRuntimeConfig(const Function& function,
                                             const FunctionVersion& version) const;
  // Puts credentials of an AssumeRole session on the function's execution role into its
  // environment, so calls from inside the function are made as that role (execution_role.cc).
  boost::asio::awaitable<void> AddRoleCredentials(runtime::FunctionConfig& config);
  std::string PickVersion(const Alias& alias);
  std::string Now() const;
  std::string CodeLocation(const RequestContext& ctx, const CodeRef& code) const;

  Result<Output> FunctionOutput(const RequestContext& ctx, const Target& target, bool full);
  Output PolicyOutput(const std::string& statements_json, const std::string& revision_id) const;
  std::string TargetRevision(const Target& target) const;
  void BumpRevision(Target& target);
  std::string UrlOf(const RequestContext& ctx, const UrlConfig& config) const;

  // Invocation: alias routing and settling before a run; one synchronous run.
  void PrepareTarget(Target& target);
  boost::asio::awaitable<Result<runtime::InvokeResult>> RunSync(const Target& target,
                                                                runtime::InvokeRequest request);
  // BatchInvoker: event source mappings invoke through here.
  boost::asio::awaitable<Result<runtime::InvokeResult>> InvokeForMapping(
      const Scope& scope, const std::string& function_arn, std::string payload) override;

  // Provisioned concurrency: the version a config's qualifier names now; hands the executor
  // what the function's configs ask for, version by version; one config's output.
  std::optional<std::string> ProvisionedVersion(const ProvisionedConfig& config);
  Result<Target> ResolvePublished(const RequestContext& ctx, ParamReader& in);
  // Coroutine parameters are references (GCC 12 mishandles temporaries made for a co_await's
  // arguments); SyncProvisionedLater owns copies, for co_spawn from synchronous handlers.
  boost::asio::awaitable<void> SyncProvisioned(const Scope& scope, const std::string& function);
  boost::asio::awaitable<void> SyncProvisionedLater(Scope scope, std::string function);
  boost::asio::awaitable<void> Unprovision(runtime::FunctionConfig config);  // co_spawn only
  void ResumeProvisioned();  // after a restart (PERSISTENCE=1): start them again
  boost::asio::awaitable<Result<Output>> ProvisionedOutput(const ProvisionedConfig& config,
                                                           bool with_arn);

  // Event invocations.
  std::optional<AwsError> Enqueue(const RequestContext& ctx, const Target& target,
                                  std::string payload);
  void PumpEvents();
  void ScheduleEvent(std::shared_ptr<AsyncEvent> event, std::chrono::milliseconds delay);
  boost::asio::awaitable<void> DrainEvents();
  boost::asio::awaitable<void> RunEvent(std::shared_ptr<AsyncEvent> event);
  boost::asio::awaitable<void> FinishEvent(std::shared_ptr<AsyncEvent> event,
                                           const FunctionVersion& version,
                                           AsyncCondition condition);
  RetryPolicy PolicyFor(const Scope& scope, const std::string& function,
                        const std::string& qualifier);
  std::optional<EventInvokeConfig> InvokeConfigFor(const Scope& scope,
                                                   const std::string& function,
                                                   const std::string& qualifier);
  // Sends `body` to an SQS queue, SNS topic or Lambda function (async) named by `arn`.
  // `attributes` (SendMessage/Publish MessageAttributes) may be null. Failures are logged.
  boost::asio::awaitable<void> Deliver(std::string arn, std::string body,
                                       std::shared_ptr<rapidjson::Document> attributes,
                                       std::string request_id);

  // Event source mappings.
  boost::asio::awaitable<Result<QueueFacts>> LookupQueue(const std::string& queue_arn);
  std::optional<AwsError> ApplyMappingSettings(ParamReader& in, EventSourceMapping& m);
  void ScheduleMappingSettle(const std::string& uuid);
  void SyncPoller(const EventSourceMapping& m);
  void StopPoller(const std::string& uuid);
  Output MappingOutput(const EventSourceMapping& m);
  Result<EventSourceMapping> FindMappingInScope(const RequestContext& ctx, ParamReader& in);

  // Event invoke configs.
  std::optional<AwsError> ApplyInvokeConfig(ParamReader& in, EventInvokeConfig& c);
  Output InvokeConfigOutput(const EventInvokeConfig& c);

  // PERSISTENCE=1: pollers of enabled mappings and queued events, after a restart.
  void ResumeAfterRestart();

  runtime::Executor& executor_;
  runtime::CodeStore& code_store_;
  LambdaOptions options_;
  Lazy<LambdaStore> store_;  // opened on first use
  const Clock* clock_ = &SystemClock::Instance();
  boost::asio::any_io_executor strand_;
  ServiceClient* client_ = nullptr;
  bool stopping_ = false;
  std::set<std::shared_ptr<boost::asio::steady_timer>> timers_;
  std::deque<std::shared_ptr<AsyncEvent>> events_;
  size_t event_workers_ = 0;
  std::map<std::string, std::shared_ptr<SqsPoller>> pollers_;  // by mapping UUID
  uint64_t generation_ = 0;  // bumped by Reset: queued work from before is dropped
  std::mt19937_64 rng_{std::random_device{}()};
  // Execution-role sessions by role ARN, reused until shortly before they expire.
  struct RoleCredentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;
    double expires = 0;  // epoch seconds
  };
  std::map<std::string, RoleCredentials> role_credentials_;
};

}  // namespace nimbus::lambda
