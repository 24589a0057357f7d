#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <rapidjson/document.h>

#include "services/common/scope.h"
#include "services/common/service_client.h"
#include "services/lambda/event_filter.h"
#include "services/lambda/lambda_model.h"
#include "services/lambda/runtime/executor.h"

namespace nimbus::lambda {

// What a mapping's pollers call to run the function: a synchronous (RequestResponse) invoke
// of `function_arn` (name or ARN, possibly qualified) in `scope`. Runs on the Lambda strand.
class BatchInvoker {
 public:
  virtual ~BatchInvoker() = default;
  virtual boost::asio::awaitable<Result<runtime::InvokeResult>> InvokeForMapping(
      const Scope& scope, const std::string& function_arn, std::string payload) = 0;
};

// What the pollers of one mapping work with, derived from its stored configuration.
struct PollerSettings {
  std::string uuid;
  Scope function_scope;
  std::string function_arn;
  std::string queue_arn;
  Scope queue_scope;
  std::string queue_url;  // a URL the SQS service resolves to the queue
  bool fifo = false;
  int64_t batch_size = 10;
  int64_t batching_window_s = 0;
  bool report_batch_item_failures = false;
  FilterSet filters;
  size_t concurrency = 5;

  // nullopt when the event source is not an SQS queue ARN or a filter is invalid (the
  // control plane validated both when the mapping was stored).
  static std::optional<PollerSettings> From(const EventSourceMapping& mapping);
};

struct PollerOptions {
  int long_poll_seconds = 20;
  // Pause after a failed ReceiveMessage or a failed invoke (throttled, function gone), so a
  // broken mapping does not spin.
  std::chrono::milliseconds error_backoff{1000};
};

// The pollers of one enabled SQS event source mapping: `concurrency` coroutines on the Lambda
// strand that receive batches through ServiceClient ReceiveMessage, invoke the function with
// the SQS event, and delete what succeeded.
//
// Push-based and idle-free: exactly one poller holds a long poll (WaitTimeSeconds 20) while the
// queue is empty, so a send wakes it at once (SQS wakes long polls on send); the others are
// parked on timers. A poller that receives messages hands the long poll to a parked one before
// invoking, and keeps draining with short polls while there is work, so a backlog runs up to
// `concurrency` invocations at a time and never more.
//
// Outcomes (wire notes §6.5): success deletes the batch; a function error or failed invoke
// leaves it to reappear after the queue's visibility timeout (and reach the queue's DLQ through
// its RedrivePolicy); with ReportBatchItemFailures only the reported messages stay. Messages
// that match none of the FilterCriteria are deleted without an invocation (AWS). FIFO: SQS
// itself holds back a message group while any of its messages is in flight; when a message of
// a group fails, the later messages of that group in the batch are kept as well, so the group's
// order survives partial failures.
//
// Stop() is prompt: parked pollers end at once; a poller in the middle of an invocation ends
// when it returns (its batch is settled normally); a long poll still outstanding at SQS hands
// back whatever it receives with ChangeMessageVisibility 0. All methods run on the strand.
class SqsPoller : public std::enable_shared_from_this<SqsPoller> {
 public:
  SqsPoller(boost::asio::any_io_executor strand, ServiceClient& client, BatchInvoker& invoker,
            PollerSettings settings, PollerOptions options = {});
  ~SqsPoller();

  void Start();
  void Stop();
  // New settings apply from the next batch; a new concurrency adds pollers or retires the
  // extra ones.
  void Update(PollerSettings settings);

  struct Stats {
    uint64_t receives = 0;
    uint64_t invocations = 0;
    uint64_t deleted = 0;
    uint64_t filtered_out = 0;
    uint64_t released = 0;
    size_t max_in_flight = 0;  // most invocations running at once
  };
  const Stats& stats() const { return stats_; }
  size_t running_pollers() const { return running_; }
  bool stopped() const { return stopped_; }

 private:
  struct Batch;

  boost::asio::awaitable<void> Poll(std::shared_ptr<SqsPoller> self, size_t index);
  boost::asio::awaitable<std::optional<rapidjson::Document>> Receive(const PollerSettings& s,
                                                                     int64_t max, int wait);
  boost::asio::awaitable<void> Gather(const PollerSettings& s, Batch& batch);
  boost::asio::awaitable<void> Process(const PollerSettings& s, Batch& batch);
  boost::asio::awaitable<void> Delete(const PollerSettings& s,
                                      const std::vector<std::string>& handles);
  boost::asio::awaitable<void> Release(const PollerSettings& s,
                                       const std::vector<std::string>& handles);
  boost::asio::awaitable<void> Park();
  boost::asio::awaitable<void> Sleep(std::chrono::steady_clock::duration d);
  void WakeOne();
  bool Running(size_t index) const { return !stopped_ && index < settings_->concurrency; }

  boost::asio::any_io_executor strand_;
  ServiceClient& client_;
  BatchInvoker& invoker_;
  std::shared_ptr<const PollerSettings> settings_;
  PollerOptions options_;
  bool stopped_ = false;
  std::vector<bool> alive_;  // by poller index
  size_t running_ = 0;
  size_t long_pollers_ = 0;
  size_t in_flight_ = 0;
  std::vector<boost::asio::steady_timer*> parked_;
  std::vector<boost::asio::steady_timer*> sleeping_;
  Stats stats_;
};

}  // namespace nimbus::lambda
