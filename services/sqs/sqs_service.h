#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "services/common/lazy.h"
#include "services/common/service.h"
#include "services/sqs/group_commit.h"
#include "services/sqs/queue_url.h"
#include "services/sqs/sqs_store.h"

namespace nimbus::sqs {

struct ReceiveRequest;
struct SendRequest;
struct SendResult;
struct MoveTask;

// Amazon SQS: standard and FIFO queues, long polling, dead-letter redrive and message move
// tasks, over SqsStore. All handlers run on the service's strand; long polls wait on timers
// registered per queue and are woken by sends and visibility changes (no polling loop).
class SqsService final : public Service {
 public:
  explicit SqsService(QueueUrlConfig urls);
  ~SqsService() override;

  std::string_view Name() const override { return "sqs"; }
  void Register(OperationTable& table) override;
  void Start(const ServiceEnv& env) override;
  void Stop() override;
  void Reset() override;

  Result<Output> CreateQueue(RequestContext& ctx, ParamReader& in);
  Result<Output> GetQueueUrl(RequestContext& ctx, ParamReader& in);
  Result<Output> ListQueues(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteQueue(RequestContext& ctx, ParamReader& in);
  Result<Output> GetQueueAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> SetQueueAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> PurgeQueue(RequestContext& ctx, ParamReader& in);
  Result<Output> TagQueue(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagQueue(RequestContext& ctx, ParamReader& in);
  Result<Output> ListQueueTags(RequestContext& ctx, ParamReader& in);
  Result<Output> AddPermission(RequestContext& ctx, ParamReader& in);
  Result<Output> RemovePermission(RequestContext& ctx, ParamReader& in);
  boost::asio::awaitable<Result<Output>> SendMessage(RequestContext& ctx, ParamReader& in);
  boost::asio::awaitable<Result<Output>> SendMessageBatch(RequestContext& ctx, ParamReader& in);
  boost::asio::awaitable<Result<Output>> ReceiveMessage(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteMessage(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteMessageBatch(RequestContext& ctx, ParamReader& in);
  Result<Output> ChangeMessageVisibility(RequestContext& ctx, ParamReader& in);
  Result<Output> ChangeMessageVisibilityBatch(RequestContext& ctx, ParamReader& in);
  Result<Output> ListDeadLetterSourceQueues(RequestContext& ctx, ParamReader& in);
  Result<Output> StartMessageMoveTask(RequestContext& ctx, ParamReader& in);
  Result<Output> ListMessageMoveTasks(RequestContext& ctx, ParamReader& in);
  Result<Output> CancelMessageMoveTask(RequestContext& ctx, ParamReader& in);

 private:
  Result<SharedQueue> ResolveQueue(const RequestContext& ctx, const std::string& url);
  SharedQueue QueueByArn(const std::string& arn);
  std::string UrlOf(const RequestContext& ctx, const Queue& queue) const;
  Result<SendResult> SendOne(const RequestContext& ctx, const Queue& queue, SendRequest& req);
  // The group commit of sends, set up with the store.
  GroupCommit& Sends();
  std::optional<std::vector<Message>> ReplayAttempt(const Queue& queue, const ReceiveRequest& req,
                                                    int64_t now);
  Result<Output> ReceiveOnce(const RequestContext& ctx, const Queue& queue,
                             const ReceiveRequest& req);
  bool MoveToDeadLetterQueue(const Queue& queue, const Message& message);
  std::optional<AwsError> DeleteByHandle(const Queue& queue, const std::string& handle);
  std::optional<AwsError> ChangeVisibilityByHandle(const Queue& queue, const std::string& handle,
                                                   int64_t timeout);
  // DeleteMessageBatch / ChangeMessageVisibilityBatch: checks the batch, applies `apply` to
  // each entry in one transaction, and reports Successful/Failed entries.
  Result<Output> RunEntryBatch(
      RequestContext& ctx, ParamReader& in,
      const std::function<std::optional<AwsError>(const Queue&, const rapidjson::Value&)>& apply);
  std::optional<AwsError> CheckRedriveTarget(const RequestContext& ctx, const Queue& queue);
  void ExpireOld(const Queue& queue);
  void Notify(int64_t queue_id);
  void RunMoveTask(std::shared_ptr<MoveTask> task);
  int64_t NowMs() const { return clock_->NowMillis(); }

  QueueUrlConfig urls_;
  Lazy<SqsStore> store_;  // opened on first use
  std::unique_ptr<GroupCommit> sends_;  // declared after store_: detaches before the store closes
  const Clock* clock_ = &SystemClock::Instance();
  boost::asio::any_io_executor strand_;
  bool stopping_ = false;
  // Long polls waiting per queue id; a wake cancels their timers so they retry at once.
  std::unordered_map<int64_t, std::vector<boost::asio::steady_timer*>> waiters_;
  std::vector<std::shared_ptr<MoveTask>> move_tasks_;
  // FIFO receive attempts (ReceiveRequestAttemptId), kept 5 minutes: the messages and the
  // receipt nonces they were handed out with.
  struct ReceiveAttempt {
    int64_t expires_ms = 0;
    std::vector<std::pair<int64_t, std::string>> messages;
  };
  std::map<std::pair<int64_t, std::string>, ReceiveAttempt> attempts_;
};

}  // namespace nimbus::sqs
