#pragma once

#include <optional>
#include <string>

#include "services/common/aws_error.h"
#include "services/sqs/sqs_model.h"

namespace nimbus::sqs {

// AWS's defaults for the settable attributes of a new queue.
AttributeMap DefaultAttributes(bool fifo);

// Validates attributes given to CreateQueue (`creating`) or SetQueueAttributes and merges them
// into `current`. Errors: InvalidAttributeName for unknown or read-only names,
// InvalidAttributeValue for values out of AWS's ranges.
std::optional<AwsError> ApplyAttributes(const AttributeMap& given, bool fifo, bool creating,
                                        AttributeMap& current);

// The queue's RedrivePolicy, if it has a valid one.
std::optional<RedrivePolicy> ParseRedrivePolicy(const std::string& json);

// True if `name` is a valid queue name for the queue type.
bool ValidQueueName(const std::string& name, bool fifo);

}  // namespace nimbus::sqs
