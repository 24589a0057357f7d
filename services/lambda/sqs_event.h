#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

// The SQS event an event source mapping hands a function, and how the function's answer is
// read back (wire notes §6.5).
namespace nimbus::lambda {

// One record of the event, built from one message of a ReceiveMessage result (shaped like the
// operation's output: MessageId, ReceiptHandle, Body, Attributes, MessageAttributes with raw
// BinaryValue bytes, ...). AWS: record keys are lower camel case (messageId, md5OfBody,
// messageAttributes.<name>.stringValue ...) unlike the SQS API; binary values are base64;
// attributes keep their SQS names.
rapidjson::Value SqsEventRecord(const rapidjson::Value& message, const std::string& queue_arn,
                                const std::string& region,
                                rapidjson::Document::AllocatorType& alloc);

// The record as filter patterns see it: a copy whose body is the parsed JSON when the body is
// valid JSON, else the body string unchanged.
rapidjson::Document FilterView(const rapidjson::Value& record);

// What a function with FunctionResponseTypes ReportBatchItemFailures said about its batch.
struct BatchItemFailures {
  bool whole_batch = false;         // every message failed
  std::set<std::string> failed;     // message ids that failed (when !whole_batch)
};

// AWS: a null or empty response, a missing/null or empty batchItemFailures list mean success;
// invalid JSON, a non-object response, a malformed list, or an itemIdentifier that is missing,
// empty or not one of `message_ids` fail the whole batch.
BatchItemFailures ParseBatchItemFailures(std::string_view payload,
                                         const std::vector<std::string>& message_ids);

}  // namespace nimbus::lambda
