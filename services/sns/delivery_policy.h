#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "services/common/aws_error.h"

namespace nimbus::sns {

// An HTTP/S retry policy (AWS "healthyRetryPolicy"). Defaults are AWS's: three retries, 20 s
// apart.
struct RetryPolicy {
  int min_delay_target = 20;  // seconds
  int max_delay_target = 20;
  int num_retries = 3;
  int num_no_delay_retries = 0;
  int num_min_delay_retries = 0;
  int num_max_delay_retries = 0;
  std::string backoff_function = "linear";

  // The wait before retry `n` (1-based), following AWS's four phases: immediate retries,
  // pre-backoff at the minimum delay, backoff from minimum to maximum, post-backoff at the
  // maximum.
  std::chrono::milliseconds DelayBefore(int n) const;
  std::string Json() const;
};

// What an HTTP/S subscription delivers with.
struct HttpDeliveryPolicy {
  RetryPolicy retry;
  std::optional<int> max_receives_per_second;
  std::string content_type = "text/plain; charset=UTF-8";
};

// A subscription's DeliveryPolicy attribute
// ({"healthyRetryPolicy":{..},"throttlePolicy":{..},"requestPolicy":{..}}), validated.
Result<HttpDeliveryPolicy> ParseSubscriptionDeliveryPolicy(std::string_view json,
                                                           const std::string& error_prefix);
// A topic's DeliveryPolicy attribute ({"http":{"defaultHealthyRetryPolicy":{..},
// "disableSubscriptionOverrides":..,...}}), validated.
struct TopicDeliveryPolicy {
  HttpDeliveryPolicy http;
  bool disable_subscription_overrides = false;
};
Result<TopicDeliveryPolicy> ParseTopicDeliveryPolicy(std::string_view json,
                                                     const std::string& error_prefix);

// The policy an HTTP subscription delivers with, from the topic's and its own attributes.
HttpDeliveryPolicy EffectivePolicy(const std::string& topic_policy,
                                   const std::string& subscription_policy);

// AWS's EffectiveDeliveryPolicy attribute values.
std::string TopicEffectiveDeliveryPolicyJson(const std::string& topic_policy);
std::string SubscriptionEffectiveDeliveryPolicyJson(const HttpDeliveryPolicy& policy);

}  // namespace nimbus::sns
