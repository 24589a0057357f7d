#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "services/common/lazy.h"
#include "services/common/service.h"
#include "services/sns/captured_messages.h"
#include "services/sns/delivery_policy.h"
#include "services/sns/filter_policy.h"
#include "services/sns/http_client.h"
#include "services/sns/sns_message.h"
#include "services/sns/sns_model.h"
#include "services/sns/sns_store.h"

namespace nimbus::sns {

// Read once at startup.
struct SnsConfig {
  std::string host;           // NIMBUS_HOST / LOCALSTACK_HOST (host[:port]); empty = request's
  bool auto_confirm = false;  // SNS_AUTO_CONFIRM=1: HTTP(S) subscriptions skip the handshake
  static SnsConfig FromEnvironment();
};

// A subscription as deliveries see it: immutable, rebuilt whenever the subscription or its
// topic changes, shared with deliveries in flight.
struct Target {
  std::string arn;
  std::string topic_arn;
  std::string protocol;
  std::string endpoint;
  std::string account;
  std::string region;
  std::string base_url;  // "http://host:port" for handed-out URLs
  bool raw = false;
  FilterScope scope = FilterScope::kMessageAttributes;
  std::shared_ptr<const FilterPolicy> filter;
  HttpDeliveryPolicy http;
  std::string dlq_arn;  // RedrivePolicy deadLetterTargetArn
  bool fifo_topic = false;
};

// Amazon SNS: topics, subscriptions, publishing with filter policies, and deliveries to SQS
// and Lambda (in process) and to HTTP(S) endpoints (libcurl on a worker thread, signed,
// retried per DeliveryPolicy, then dead-lettered). Platform-application and SMS operations are
// stored and answered in AWS's shapes. All handlers and all delivery bookkeeping run on the
// service's strand; state lives in memory and is written through to SnsStore.
class SnsService final : public Service {
 public:
  // `shared` is what the edge data plane also sees (signing keys, captured messages).
  explicit SnsService(std::shared_ptr<SnsShared> shared = nullptr);
  ~SnsService() override;

  std::string_view Name() const override { return "sns"; }
  void Register(OperationTable& table) override;
  void Start(const ServiceEnv& env) override;
  void Stop() override;
  void Reset() override;

  // Topics (sns_topics.cc)
  Result<Output> CreateTopic(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteTopic(RequestContext& ctx, ParamReader& in);
  Result<Output> ListTopics(RequestContext& ctx, ParamReader& in);
  Result<Output> GetTopicAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> SetTopicAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> AddPermission(RequestContext& ctx, ParamReader& in);
  Result<Output> RemovePermission(RequestContext& ctx, ParamReader& in);
  Result<Output> TagResource(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagResource(RequestContext& ctx, ParamReader& in);
  Result<Output> ListTagsForResource(RequestContext& ctx, ParamReader& in);
  Result<Output> GetDataProtectionPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> PutDataProtectionPolicy(RequestContext& ctx, ParamReader& in);

  // Subscriptions (sns_subscriptions.cc)
  Result<Output> Subscribe(RequestContext& ctx, ParamReader& in);
  Result<Output> ConfirmSubscription(RequestContext& ctx, ParamReader& in);
  Result<Output> Unsubscribe(RequestContext& ctx, ParamReader& in);
  Result<Output> ListSubscriptions(RequestContext& ctx, ParamReader& in);
  Result<Output> ListSubscriptionsByTopic(RequestContext& ctx, ParamReader& in);
  Result<Output> GetSubscriptionAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> SetSubscriptionAttributes(RequestContext& ctx, ParamReader& in);

  // Publishing (sns_publish.cc)
  boost::asio::awaitable<Result<Output>> Publish(RequestContext& ctx, ParamReader& in);
  boost::asio::awaitable<Result<Output>> PublishBatch(RequestContext& ctx, ParamReader& in);

  // Mobile push and SMS (sns_platform.cc)
  Result<Output> CreatePlatformApplication(RequestContext& ctx, ParamReader& in);
  Result<Output> DeletePlatformApplication(RequestContext& ctx, ParamReader& in);
  Result<Output> ListPlatformApplications(RequestContext& ctx, ParamReader& in);
  Result<Output> GetPlatformApplicationAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> SetPlatformApplicationAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> CreatePlatformEndpoint(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteEndpoint(RequestContext& ctx, ParamReader& in);
  Result<Output> ListEndpointsByPlatformApplication(RequestContext& ctx, ParamReader& in);
  Result<Output> GetEndpointAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> SetEndpointAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> GetSMSAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> SetSMSAttributes(RequestContext& ctx, ParamReader& in);
  Result<Output> CheckIfPhoneNumberIsOptedOut(RequestContext& ctx, ParamReader& in);
  Result<Output> ListPhoneNumbersOptedOut(RequestContext& ctx, ParamReader& in);
  Result<Output> OptInPhoneNumber(RequestContext& ctx, ParamReader& in);
  Result<Output> GetSMSSandboxAccountStatus(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateSMSSandboxPhoneNumber(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteSMSSandboxPhoneNumber(RequestContext& ctx, ParamReader& in);
  Result<Output> VerifySMSSandboxPhoneNumber(RequestContext& ctx, ParamReader& in);
  Result<Output> ListSMSSandboxPhoneNumbers(RequestContext& ctx, ParamReader& in);
  Result<Output> ListOriginationNumbers(RequestContext& ctx, ParamReader& in);

  // Delivery counters, for tests and benchmarks.
  struct Stats {
    int64_t delivered = 0;
    int64_t failed = 0;
    int64_t retried = 0;
    int64_t dead_lettered = 0;
    int64_t dropped = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct State {
    std::map<std::string, Topic> topics;
    std::map<std::string, Subscription> subscriptions;
    std::map<std::string, std::vector<std::string>> topic_subscriptions;  // in creation order
    std::unordered_map<std::string, std::string> tokens;                   // → subscription
    std::map<std::string, PlatformApplication> applications;
    std::map<std::string, PlatformEndpoint> endpoints;
    std::map<std::string, SmsState> sms;  // "<account>/<region>"
    int64_t seq = 0;
  };
  // A FIFO topic's deduplication record.
  struct Dedup {
    std::string message_id;
    std::string sequence_number;
    int64_t expires_ms = 0;
  };
  struct Delivery {
    std::shared_ptr<Notification> notification;
    std::shared_ptr<const Target> target;
  };
  // Deliveries to one SQS/Lambda subscription, drained in order by one coroutine.
  struct Outbox {
    std::deque<Delivery> queue;
    bool draining = false;
  };

  State& St();
  SnsStore& Db() { return *store_; }
  void Persist(const Topic& t) { Db().Put(t); }
  void Persist(const Subscription& s) { Db().Put(s); }
  int64_t NextSeq() { return ++St().seq; }
  int64_t NowMs() const { return clock_->NowMillis(); }
  std::string BaseUrl(const std::string& request_host) const;

  // The topic an ARN names. A caller from another account than the topic's owner must be
  // allowed by the topic's access policy (AuthorizationError otherwise); internal calls are.
  Result<Topic*> FindTopic(const RequestContext& ctx, const std::string& arn);
  void RemoveSubscription(const std::string& arn);
  // Rebuilds the delivery view of a topic's confirmed subscriptions.
  void RebuildTargets(const std::string& topic_arn);
  std::shared_ptr<const Target> MakeTarget(const Subscription& s, const Topic& topic) const;
  AttributeMap TopicAttributes(const Topic& t);
  AttributeMap SubscriptionAttributes(const Subscription& s);
  std::optional<AwsError> ValidateSubscriptionAttribute(const std::string& name,
                                                        const std::string& value,
                                                        const Subscription& s,
                                                        bool subscribe_call,
                                                        const AttributeMap& others);
  std::optional<AwsError> ValidateTopicAttribute(const std::string& name,
                                                 const std::string& value, bool fifo,
                                                 bool create, const std::string& prefix);

  // Publishing (sns_publish.cc).
  Result<Output> DoPublish(RequestContext& ctx, ParamReader& in);
  Result<Output> DoPublishBatch(RequestContext& ctx, ParamReader& in);
  // Assigns a FIFO sequence number and applies the topic's deduplication window: false for a
  // duplicate (answered with the first message's ids, not delivered again).
  bool Sequence(Notification& n, const Topic& topic);
  Result<std::shared_ptr<Notification>> BuildNotification(const RequestContext& ctx,
                                                          ParamReader& in, const Topic* topic,
                                                          int position);
  // Routes a notification to the topic's matching subscriptions.
  void Fanout(const std::shared_ptr<Notification>& n);
  bool Accepts(const Target& t, const Notification& n) const;
  boost::asio::awaitable<void> ThrottlePublisher();

  // Deliveries (sns_delivery.cc).
  const std::string& SignatureFor(Notification& n, const std::string& protocol);
  std::string CertUrl(const Target& t) const;
  std::string UnsubscribeUrl(const Target& t) const;
  std::string EnvelopeFor(Notification& n, const Target& t);
  void Enqueue(Delivery d);
  boost::asio::awaitable<void> Drain(std::string subscription_arn);
  boost::asio::awaitable<void> DeliverSqsBatch(std::vector<Delivery> batch);
  boost::asio::awaitable<void> DeliverLambda(Delivery d);
  void DeliverHttp(Notification& n, const std::shared_ptr<const Target>& t);
  // Records a message for an endpoint nothing is sent to (SMS, email, mobile push).
  void Capture(Notification& n, const std::string& kind, const std::string& target,
               const Target* subscription, const std::string& account,
               const std::string& region);
  std::string QueryUrl(const std::string& base, const std::string& action,
                       const std::string& params) const;
  void SendConfirmation(const Subscription& s, const std::string& type);
  struct HttpAttempt;
  void Attempt(std::shared_ptr<HttpAttempt> a);
  void Later(std::shared_ptr<HttpAttempt> a, std::chrono::steady_clock::duration delay);
  void OnHttpOutcome(std::shared_ptr<HttpAttempt> a, const HttpOutcome& outcome);
  void DeadLetter(const Target& t, const std::string& body, const Notification* n);
  boost::asio::awaitable<void> SendToDeadLetter(std::string dlq_arn, std::string body,
                                                std::string group_id, std::string dedup_id);

  SnsConfig config_;
  std::shared_ptr<SnsShared> shared_;
  Lazy<SnsStore> store_;
  std::optional<State> state_;
  const Clock* clock_ = &SystemClock::Instance();
  boost::asio::any_io_executor strand_;
  ServiceClient* client_ = nullptr;
  bool stopped_ = false;

  std::unordered_map<std::string, std::vector<std::shared_ptr<const Target>>> targets_;
  std::unordered_map<std::string, Outbox> outboxes_;
  std::unordered_map<std::string, std::map<std::string, Dedup>> dedup_;  // topic → id → record
  std::map<std::string, uint64_t> fifo_sequence_;                       // topic → last number
  int64_t in_process_pending_ = 0;
  int64_t http_pending_ = 0;
  std::set<boost::asio::steady_timer*> retry_timers_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> next_send_;  // throttle
  std::unique_ptr<HttpClient> http_;
  Stats stats_;
};

}  // namespace nimbus::sns
