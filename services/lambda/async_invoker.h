#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

// The rules of asynchronous invocation (InvocationType Event and every async source): when a
// failed event is retried, when it is given up, and what destinations and dead-letter queues
// receive. Pure functions; LambdaService runs the queue (lambda_invoke.cc).
namespace nimbus::lambda {

inline constexpr int64_t kDefaultMaximumRetryAttempts = 2;
inline constexpr int64_t kDefaultMaximumEventAgeSeconds = 21600;  // AWS: 6 hours

struct RetryPolicy {
  int64_t maximum_retry_attempts = kDefaultMaximumRetryAttempts;
  int64_t maximum_event_age_ms = kDefaultMaximumEventAgeSeconds * 1000;
  // AWS waits about 1 minute before the first retry and 2 minutes before the second. Nimbus
  // waits base, then 2 × base (LAMBDA_ASYNC_RETRY_BASE_MS, default 1000 ms) so that tests and
  // development loops do not sit idle for minutes.
  std::chrono::milliseconds retry_base{1000};
};

// Why an event ends (destination record requestContext.condition).
enum class AsyncCondition { kSuccess, kRetriesExhausted, kEventAgeExceeded };
std::string_view ConditionName(AsyncCondition c);

// What to do after the `attempts`-th invocation of an event failed (function error).
struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};  // when retry
  AsyncCondition condition = AsyncCondition::kRetriesExhausted;  // when !retry
};
// `age_ms` is the event's age now. A retry that would start after the maximum event age is not
// scheduled: the event fails with EventAgeExceeded at once.
RetryDecision AfterFailure(const RetryPolicy& policy, int attempts, int64_t age_ms);

// True when an event of this age may no longer be invoked.
bool EventTooOld(const RetryPolicy& policy, int64_t age_ms);

// Everything a destination record reports.
struct DestinationInput {
  AsyncCondition condition = AsyncCondition::kSuccess;
  std::string request_id;
  std::string function_arn;  // qualified with the executed version (":$LATEST", ":3")
  int approximate_invoke_count = 0;
  std::string request_payload;
  bool invoked = false;  // false: no responseContext/responsePayload (expired before a run)
  int status_code = 200;
  std::string executed_version;
  std::string function_error;  // "" on success
  std::string response_payload;
  int64_t timestamp_ms = 0;
};

// AWS's destination record (version 1.0): timestamp, requestContext {requestId, functionArn,
// condition, approximateInvokeCount}, requestPayload, responseContext {statusCode,
// executedVersion[, functionError]}, responsePayload. Payloads that are JSON are embedded as
// JSON; anything else as a string.
std::string DestinationRecord(const DestinationInput& in);

// "2019-11-14T18:16:05.568Z".
std::string IsoTimestamp(int64_t epoch_ms);

// The message attributes AWS puts on what a function's dead-letter queue receives:
// RequestID (String), ErrorCode (Number: 200 for a function error), ErrorMessage (String, the
// first 1 KB of the error). Shaped like SendMessage's / Publish's MessageAttributes.
rapidjson::Value DeadLetterAttributes(const std::string& request_id, int error_code,
                                      const std::string& error_message,
                                      rapidjson::Document::AllocatorType& alloc);

// The error message a dead-letter queue reports for a failed invocation: the errorMessage of
// the function's error document when it has one, else the document itself.
std::string ErrorMessageOf(const std::string& response_payload);

// The service an ARN names ("sqs", "sns", "lambda", ...) or "" when it is not an ARN.
std::string ArnService(std::string_view arn);

}  // namespace nimbus::lambda
