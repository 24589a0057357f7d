#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/common/lazy.h"
#include "services/common/scope.h"
#include "services/common/service.h"
#include "services/logs/logs_store.h"

namespace nimbus::logs {

// A log line produced inside Nimbus (a Lambda function's output) on its way into a stream.
struct IngestLine {
  Scope scope;
  std::string group;
  std::string stream;
  int64_t timestamp = 0;  // epoch ms
  std::string message;
  std::string origin_function_arn;  // the function that printed it (never fed back to it)
};

class LogsService;
class SubscriptionFilters;
class MetricFilters;
class InsightsApi;
class LogsAdmin;

// The in-process entry for logs written by other services (Lambda function output). Callable
// from any thread: Ingest() posts the line to the Logs strand, where lines that arrived
// together are written in one transaction (auto-creating the group and stream) before any
// request queued after them runs. Writers hold it by shared_ptr, so it stays safe to call
// after the service is gone (late lines, e.g. from environments killed at shutdown, are
// dropped with the stopped io_context).
class IngestPort : public std::enable_shared_from_this<IngestPort> {
 public:
  void Ingest(IngestLine line);

 private:
  friend class LogsService;
  boost::asio::any_io_executor strand_;  // set by LogsService::Start, before any writer runs
  LogsService* service_ = nullptr;       // cleared when the service is destroyed
};

// Amazon CloudWatch Logs: log groups and streams, PutLogEvents with AWS's batch rules,
// GetLogEvents and FilterLogEvents (filter patterns, paging tokens), retention (expired events
// are neither returned nor kept) and tags. All handlers run on the service's strand over
// LogsStore. Nothing here waits: `aws logs tail --follow` polls FilterLogEvents.
class LogsService final : public Service {
 public:
  LogsService();
  ~LogsService() override;

  std::string_view Name() const override { return "logs"; }
  void Register(OperationTable& table) override;
  void Start(const ServiceEnv& env) override;
  void Stop() override;
  void Reset() override;

  std::shared_ptr<IngestPort> ingest_port() const { return port_; }

  Result<Output> CreateLogGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteLogGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> DescribeLogGroups(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateLogStream(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteLogStream(RequestContext& ctx, ParamReader& in);
  Result<Output> DescribeLogStreams(RequestContext& ctx, ParamReader& in);
  Result<Output> PutLogEvents(RequestContext& ctx, ParamReader& in);
  Result<Output> GetLogEvents(RequestContext& ctx, ParamReader& in);
  Result<Output> FilterLogEvents(RequestContext& ctx, ParamReader& in);
  Result<Output> PutRetentionPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteRetentionPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> TagLogGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagLogGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> ListTagsLogGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> TagResource(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagResource(RequestContext& ctx, ParamReader& in);
  Result<Output> ListTagsForResource(RequestContext& ctx, ParamReader& in);

 private:
  // The group named by logGroupName, or by logGroupIdentifier (a name or an ARN) where the
  // operation takes one. Expired events of the group are purged on the way.
  Result<LogGroup> ResolveGroup(const RequestContext& ctx, ParamReader& in,
                                bool identifier_allowed);
  Result<LogGroup> FindGroup(const Scope& scope, const std::string& name);
  Result<LogGroup> GroupByArn(const std::string& arn);
  Result<Output> ChangeTags(LogGroup& group, const rapidjson::Value* add,
                            const rapidjson::Value* remove, bool resource_api);
  void PurgeExpired(const LogGroup& group);
  friend class IngestPort;
  friend class SubscriptionFilters;
  friend class MetricFilters;
  friend class InsightsApi;
  friend class LogsAdmin;
  void Enqueue(IngestLine line);  // on the strand
  void FlushIngest();
  int64_t NowMs() const { return clock_->NowMillis(); }

  Lazy<LogsStore> store_;  // opened on first use
  ServiceClient* client_ = nullptr;
  std::unique_ptr<SubscriptionFilters> subscriptions_;
  std::unique_ptr<MetricFilters> metric_filters_;
  std::unique_ptr<InsightsApi> insights_;
  std::unique_ptr<LogsAdmin> admin_;
  const Clock* clock_ = &SystemClock::Instance();
  boost::asio::any_io_executor strand_;
  std::shared_ptr<IngestPort> port_;
  std::vector<IngestLine> pending_;
  bool flush_posted_ = false;
};

}  // namespace nimbus::logs
