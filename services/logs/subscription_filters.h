#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "services/common/operation_table.h"
#include "services/logs/filter_pattern.h"
#include "services/logs/logs_model.h"
#include "services/logs/logs_store.h"

namespace nimbus::logs {

class LogsService;

// One event of a subscription delivery.
struct DeliveredEvent {
  int64_t id = 0;
  int64_t timestamp = 0;
  std::string message;
};

// The JSON CloudWatch Logs sends a subscriber (before gzip): messageType DATA_MESSAGE, owner,
// logGroup, logStream, subscriptionFilters, logEvents[{id, timestamp, message}].
// `policy_level` ("ACCOUNT_LEVEL_POLICY") marks deliveries of an account-level subscription
// filter policy.
std::string SubscriptionMessageJson(const std::string& owner, const std::string& group,
                                    const std::string& stream,
                                    const std::vector<std::string>& filters,
                                    const std::vector<DeliveredEvent>& events,
                                    const std::string& policy_level = "");
// The Lambda event: {"awslogs":{"data":"<base64(gzip(message json))>"}}.
std::string SubscriptionLambdaPayload(const std::string& message_json);
// The 56-digit event id AWS shows (the same as FilterLogEvents' eventId).
std::string SubscriptionEventId(int64_t timestamp, int64_t id);

// Subscription filters: PutSubscriptionFilter (at most two per log group, pattern checked,
// destination checked as AWS does: a Lambda function must exist and its resource policy must
// let logs.amazonaws.com invoke it), DescribeSubscriptionFilters, DeleteSubscriptionFilter;
// and the delivery of every accepted batch's matching events to Lambda destinations as an
// asynchronous (Event) Invoke; account-level SUBSCRIPTION_FILTER_POLICY account policies
// (PutAccountPolicy) deliver the same way to every group their selection criteria do not
// exclude. Runs on the Logs strand.
class SubscriptionFilters {
 public:
  explicit SubscriptionFilters(LogsService& logs) : logs_(logs) {}

  void Register(OperationTable& t);

  boost::asio::awaitable<Result<Output>> Put(RequestContext& ctx, ParamReader& in);
  Result<Output> Describe(RequestContext& ctx, ParamReader& in);
  Result<Output> Delete(RequestContext& ctx, ParamReader& in);

  // Events just appended to `stream` of `group` (ids from AppendEvents). `origin_function_arn`
  // names the Lambda function whose output they are (empty for PutLogEvents): its own output
  // is never delivered back to it, so a function subscribed to its own log group cannot feed
  // itself forever.
  void Deliver(const LogGroup& group, const std::string& stream,
               const std::vector<InputEvent>& events, const std::vector<int64_t>& ids,
               const std::string& origin_function_arn);

 private:
  struct Filter {
    std::string name;
    std::string pattern;
    std::string destination_arn;
    std::string role_arn;
    std::string distribution;
    int64_t created_ms = 0;
  };
  std::vector<Filter> FiltersOf(int64_t group_id);
  // The account's SUBSCRIPTION_FILTER_POLICY policies that select `group`.
  std::vector<Filter> AccountFiltersFor(const LogGroup& group);
  void DeliverTo(const Filter& f, const LogGroup& group, const std::string& stream,
                 const std::vector<InputEvent>& events, const std::vector<int64_t>& ids,
                 const std::string& origin_function_arn, const std::string& policy_level);
  const FilterPattern* Pattern(const std::string& text);
  boost::asio::awaitable<std::optional<AwsError>> CheckDestination(const LogGroup& group,
                                                                   const std::string& arn);
  void Send(std::string function_arn, std::string payload);

  LogsService& logs_;
  std::unordered_map<std::string, FilterPattern> patterns_;  // parsed once per text
};

}  // namespace nimbus::logs
