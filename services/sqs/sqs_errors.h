#pragma once

#include <string>

#include "services/common/aws_error.h"

// SQS errors. Codes are the model's shape names (the codecs map them to the legacy query codes
// such as AWS.SimpleQueueService.NonExistentQueue); unmodeled ones are AWS's query codes.
namespace nimbus::sqs::errors {

inline AwsError QueueDoesNotExist() {
  return AwsError::Sender("QueueDoesNotExist", "The specified queue does not exist.");
}
inline AwsError QueueNameExists(const std::string& detail) {
  return AwsError::Sender("QueueNameExists", "A queue already exists with the same name and a "
                                             "different value for attribute " + detail);
}
inline AwsError QueueDeletedRecently() {
  return AwsError::Sender("QueueDeletedRecently",
                          "You must wait 60 seconds after deleting a queue before you can create "
                          "another queue with the same name.");
}
inline AwsError PurgeQueueInProgress(const std::string& arn) {
  return AwsError::Sender("PurgeQueueInProgress",
                          "Only one PurgeQueue operation on " + arn +
                              " is allowed every 60 seconds.",
                          403);
}
inline AwsError InvalidParameterValue(const std::string& message) {
  return AwsError::Sender("InvalidParameterValue", message);
}
inline AwsError MissingParameter(const std::string& name) {
  return AwsError::Sender("MissingParameter",
                          "The request must contain the parameter " + name + ".");
}
inline AwsError InvalidAttributeName(const std::string& name) {
  return AwsError::Sender("InvalidAttributeName", "Unknown Attribute " + name + ".");
}
inline AwsError InvalidAttributeValue(const std::string& name, const std::string& reason = "") {
  return AwsError::Sender("InvalidAttributeValue",
                          "Invalid value for the parameter " + name + "." +
                              (reason.empty() ? "" : " Reason: " + reason));
}
inline AwsError InvalidMessageContents() {
  return AwsError::Sender("InvalidMessageContents",
                          "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD "
                          "| #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
}
inline AwsError ReceiptHandleIsInvalid(const std::string& handle) {
  return AwsError::Sender("ReceiptHandleIsInvalid",
                          "The input receipt handle \"" + handle + "\" is not a valid receipt handle.");
}
inline AwsError MessageNotInflight() {
  return AwsError::Sender("MessageNotInflight", "The message referred to isn't in flight.");
}
inline AwsError EmptyBatchRequest() {
  return AwsError::Sender("EmptyBatchRequest",
                          "There should be at least one SendMessageBatchRequestEntry in the request.");
}
inline AwsError TooManyEntriesInBatchRequest(size_t n) {
  return AwsError::Sender("TooManyEntriesInBatchRequest",
                          "Maximum number of entries per request are 10. You have sent " +
                              std::to_string(n) + ".");
}
inline AwsError BatchEntryIdsNotDistinct(const std::string& id) {
  return AwsError::Sender("BatchEntryIdsNotDistinct", "Id " + id + " repeated.");
}
inline AwsError InvalidBatchEntryId() {
  return AwsError::Sender("InvalidBatchEntryId",
                          "A batch entry id can only contain alphanumeric characters, hyphens and "
                          "underscores. It can be at most 80 letters long.");
}
inline AwsError BatchRequestTooLong(size_t total, size_t limit) {
  return AwsError::Sender("BatchRequestTooLong", "Batch requests cannot be longer than " +
                                                     std::to_string(limit) + " bytes. You have sent " +
                                                     std::to_string(total) + " bytes.");
}
inline AwsError OverLimit(const std::string& message) {
  return AwsError::Sender("OverLimit", message, 403);
}
inline AwsError ResourceNotFound(const std::string& message) {
  return AwsError::Sender("ResourceNotFoundException", message, 404);
}
inline AwsError UnsupportedOperation(const std::string& message) {
  return AwsError::Sender("UnsupportedOperation", message);
}

}  // namespace nimbus::sqs::errors
