#include "services/sns/delivery_policy.h"

#include <algorithm>
#include <cmath>

#include <rapidjson/document.h>

#include "services/sns/sns_errors.h"
#include "services/sns/sns_util.h"

namespace nimbus::sns {
namespace {

constexpr int kMaxRetries = 100;
constexpr int kMaxDelay = 3600;

AwsError Bad(const std::string& prefix, const std::string& what) {
  return errors::InvalidParameterRaw(prefix + "DeliveryPolicy: " + what);
}

// Reads an integer member: absent keeps `out`; wrong type or range fails.
std::optional<AwsError> ReadInt(const rapidjson::Value& obj, const char* key, int lo, int hi,
                                int& out, const std::string& prefix, const std::string& where) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) {
    return std::nullopt;
  }
  if (!it->value.IsInt()) {
    return Bad(prefix, where + "." + key + " must be an integer");
  }
  int v = it->value.GetInt();
  if (v < lo || v > hi) {
    return Bad(prefix, where + "." + key + " must be between " + std::to_string(lo) + " and " +
                           std::to_string(hi));
  }
  out = v;
  return std::nullopt;
}

Result<RetryPolicy> ReadRetry(const rapidjson::Value& obj, const std::string& prefix,
                              const std::string& where) {
  RetryPolicy p;
  if (!obj.IsObject()) {
    return Bad(prefix, where + " must be an object");
  }
  for (auto [key, field] : {std::pair{"minDelayTarget", &p.min_delay_target},
                            std::pair{"maxDelayTarget", &p.max_delay_target}}) {
    if (auto e = ReadInt(obj, key, 1, kMaxDelay, *field, prefix, where)) {
      return *e;
    }
  }
  for (auto [key, field] : {std::pair{"numRetries", &p.num_retries},
                            std::pair{"numNoDelayRetries", &p.num_no_delay_retries},
                            std::pair{"numMinDelayRetries", &p.num_min_delay_retries},
                            std::pair{"numMaxDelayRetries", &p.num_max_delay_retries}}) {
    if (auto e = ReadInt(obj, key, 0, kMaxRetries, *field, prefix, where)) {
      return *e;
    }
  }
  auto fn = obj.FindMember("backoffFunction");
  if (fn != obj.MemberEnd() && !fn->value.IsNull()) {
    std::string f = fn->value.IsString() ? fn->value.GetString() : "";
    if (f != "linear" && f != "arithmetic" && f != "geometric" && f != "exponential") {
      return Bad(prefix, where + ".backoffFunction must be one of: arithmetic, exponential, "
                                 "geometric, linear");
    }
    p.backoff_function = f;
  }
  if (p.min_delay_target > p.max_delay_target) {
    return Bad(prefix, where + ".minDelayTarget must be less than or equal to maxDelayTarget");
  }
  if (p.num_no_delay_retries + p.num_min_delay_retries + p.num_max_delay_retries >
      p.num_retries) {
    return Bad(prefix, where + ".numRetries must be greater than or equal to the sum of "
                               "numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries");
  }
  return p;
}

std::optional<AwsError> ReadHttpParts(const rapidjson::Value& obj, const char* retry_key,
                                      const char* throttle_key, const char* request_key,
                                      HttpDeliveryPolicy& out, const std::string& prefix) {
  auto retry = obj.FindMember(retry_key);
  if (retry != obj.MemberEnd() && !retry->value.IsNull()) {
    auto r = ReadRetry(retry->value, prefix, retry_key);
    if (!r) {
      return r.error();
    }
    out.retry = *r;
  }
  auto throttle = obj.FindMember(throttle_key);
  if (throttle != obj.MemberEnd() && throttle->value.IsObject()) {
    int rate = 0;
    if (auto e = ReadInt(throttle->value, "maxReceivesPerSecond", 1, 1'000'000, rate, prefix,
                         throttle_key)) {
      return e;
    }
    if (rate > 0) {
      out.max_receives_per_second = rate;
    }
  }
  auto request = obj.FindMember(request_key);
  if (request != obj.MemberEnd() && request->value.IsObject()) {
    auto ct = request->value.FindMember("headerContentType");
    if (ct != request->value.MemberEnd() && ct->value.IsString()) {
      out.content_type = ct->value.GetString();
    }
  }
  return std::nullopt;
}

}  // namespace

std::chrono::milliseconds RetryPolicy::DelayBefore(int n) const {
  using std::chrono::milliseconds;
  auto secs = [](double s) { return milliseconds(static_cast<int64_t>(s * 1000)); };
  if (n <= num_no_delay_retries) {
    return milliseconds(0);
  }
  n -= num_no_delay_retries;
  if (n <= num_min_delay_retries) {
    return secs(min_delay_target);
  }
  n -= num_min_delay_retries;
  int backoff = num_retries - num_no_delay_retries - num_min_delay_retries -
                num_max_delay_retries;
  if (n > backoff) {
    return secs(max_delay_target);
  }
  // AWS documents the shapes but not the formulas: each function climbs from the minimum
  // delay (first backoff retry) to the maximum (last one).
  double t = backoff <= 1 ? 1.0 : static_cast<double>(n - 1) / (backoff - 1);
  double lo = min_delay_target;
  double hi = max_delay_target;
  double f = t;
  if (backoff_function == "arithmetic") {
    f = t * t;
  } else if (backoff_function == "geometric") {
    f = t * t * t;
  } else if (backoff_function == "exponential") {
    f = (std::pow(2.0, t * 10) - 1) / (std::pow(2.0, 10) - 1);
  }
  if (backoff <= 1) {
    f = 0;  // a single backoff retry waits the minimum
  }
  return secs(lo + (hi - lo) * f);
}

std::string RetryPolicy::Json() const {
  return "{\"minDelayTarget\":" + std::to_string(min_delay_target) +
         ",\"maxDelayTarget\":" + std::to_string(max_delay_target) +
         ",\"numRetries\":" + std::to_string(num_retries) +
         ",\"numMaxDelayRetries\":" + std::to_string(num_max_delay_retries) +
         ",\"numNoDelayRetries\":" + std::to_string(num_no_delay_retries) +
         ",\"numMinDelayRetries\":" + std::to_string(num_min_delay_retries) +
         ",\"backoffFunction\":" + JsonQuote(backoff_function) + "}";
}

Result<HttpDeliveryPolicy> ParseSubscriptionDeliveryPolicy(std::string_view json,
                                                           const std::string& error_prefix) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) {
    return errors::InvalidParameterRaw(error_prefix + "DeliveryPolicy: failed to parse JSON.");
  }
  HttpDeliveryPolicy out;
  if (auto e = ReadHttpParts(d, "healthyRetryPolicy", "throttlePolicy", "requestPolicy", out,
                             error_prefix)) {
    return *e;
  }
  return out;
}

Result<TopicDeliveryPolicy> ParseTopicDeliveryPolicy(std::string_view json,
                                                     const std::string& error_prefix) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) {
    return errors::InvalidParameterRaw(error_prefix + "DeliveryPolicy: failed to parse JSON.");
  }
  TopicDeliveryPolicy out;
  auto http = d.FindMember("http");
  if (http != d.MemberEnd() && http->value.IsObject()) {
    if (auto e = ReadHttpParts(http->value, "defaultHealthyRetryPolicy", "defaultThrottlePolicy",
                               "defaultRequestPolicy", out.http, error_prefix)) {
      return *e;
    }
    auto disable = http->value.FindMember("disableSubscriptionOverrides");
    if (disable != http->value.MemberEnd() && disable->value.IsBool()) {
      out.disable_subscription_overrides = disable->value.GetBool();
    }
  }
  return out;
}

HttpDeliveryPolicy EffectivePolicy(const std::string& topic_policy,
                                   const std::string& subscription_policy) {
  TopicDeliveryPolicy topic;
  if (!topic_policy.empty()) {
    if (auto t = ParseTopicDeliveryPolicy(topic_policy, "")) {
      topic = *t;
    }
  }
  if (subscription_policy.empty() || topic.disable_subscription_overrides) {
    return topic.http;
  }
  auto sub = ParseSubscriptionDeliveryPolicy(subscription_policy, "");
  if (!sub) {
    return topic.http;
  }
  rapidjson::Document d;
  d.Parse(subscription_policy.c_str());
  HttpDeliveryPolicy out = topic.http;
  if (d.IsObject() && d.HasMember("healthyRetryPolicy") && !d["healthyRetryPolicy"].IsNull()) {
    out.retry = sub->retry;
  }
  if (sub->max_receives_per_second) {
    out.max_receives_per_second = sub->max_receives_per_second;
  }
  if (d.IsObject() && d.HasMember("requestPolicy")) {
    out.content_type = sub->content_type;
  }
  return out;
}

std::string TopicEffectiveDeliveryPolicyJson(const std::string& topic_policy) {
  TopicDeliveryPolicy topic;
  if (!topic_policy.empty()) {
    if (auto t = ParseTopicDeliveryPolicy(topic_policy, "")) {
      topic = *t;
    }
  }
  std::string out = "{\"http\":{\"defaultHealthyRetryPolicy\":" + topic.http.retry.Json() +
                    ",\"disableSubscriptionOverrides\":" +
                    (topic.disable_subscription_overrides ? "true" : "false");
  if (topic.http.max_receives_per_second) {
    out += ",\"defaultThrottlePolicy\":{\"maxReceivesPerSecond\":" +
           std::to_string(*topic.http.max_receives_per_second) + "}";
  }
  out += ",\"defaultRequestPolicy\":{\"headerContentType\":" +
         JsonQuote(topic.http.content_type) + "}}}";
  return out;
}

std::string SubscriptionEffectiveDeliveryPolicyJson(const HttpDeliveryPolicy& policy) {
  std::string out = "{\"healthyRetryPolicy\":" + policy.retry.Json() +
                    ",\"sicklyRetryPolicy\":null,\"throttlePolicy\":";
  out += policy.max_receives_per_second
             ? "{\"maxReceivesPerSecond\":" + std::to_string(*policy.max_receives_per_second) + "}"
             : std::string("null");
  out += ",\"requestPolicy\":{\"headerContentType\":" + JsonQuote(policy.content_type) +
         "},\"guaranteed\":false}";
  return out;
}

}  // namespace nimbus::sns
