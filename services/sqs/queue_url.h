#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nimbus::sqs {

enum class EndpointStrategy { kStandard, kDomain, kPath, kOff };

// How queue URLs are handed out (LocalStack's SQS_ENDPOINT_STRATEGY and LOCALSTACK_HOST /
// NIMBUS_HOST). Read once at startup.
struct QueueUrlConfig {
  EndpointStrategy strategy = EndpointStrategy::kStandard;
  std::string host;  // host[:port] override; empty = the request's Host header

  static QueueUrlConfig FromEnvironment();
};

// The URL of queue `name`. `request_host` is the Host header of the request that asked.
std::string BuildQueueUrl(const QueueUrlConfig& config, std::string_view request_host,
                          std::string_view region, std::string_view account,
                          std::string_view name);

// What a QueueUrl names. Accepts every form BuildQueueUrl produces, AWS's own URLs, and a bare
// queue name (account and region then come from the request).
struct QueueRef {
  std::string account;  // empty = the caller's
  std::string region;   // empty = the caller's
  std::string name;
};
std::optional<QueueRef> ParseQueueUrl(std::string_view url);

// Parses "arn:aws:sqs:<region>:<account>:<name>".
std::optional<QueueRef> ParseQueueArn(std::string_view arn);

}  // namespace nimbus::sqs
