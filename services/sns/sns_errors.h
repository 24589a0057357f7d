#pragma once

#include <string>

#include "services/common/aws_error.h"

// SNS errors (awsQuery: the <Code> is the model's error code, HTTP status from the model).
// Messages as AWS words them ("Invalid parameter: <what>[ Reason: <why>]").
namespace nimbus::sns::errors {

inline AwsError InvalidParameter(const std::string& what) {
  return AwsError::Sender("InvalidParameter", "Invalid parameter: " + what);
}
// A message that is not prefixed (AWS words some InvalidParameter errors freely).
inline AwsError InvalidParameterRaw(std::string message) {
  return AwsError::Sender("InvalidParameter", std::move(message));
}
inline AwsError ParameterValueInvalid(std::string message) {
  return AwsError::Sender("ParameterValueInvalid", std::move(message));
}
inline AwsError TopicNotFound() { return AwsError::Sender("NotFound", "Topic does not exist", 404); }
inline AwsError SubscriptionNotFound() {
  return AwsError::Sender("NotFound", "Subscription does not exist", 404);
}
inline AwsError EndpointNotFound() {
  return AwsError::Sender("NotFound", "Endpoint does not exist", 404);
}
inline AwsError PlatformApplicationNotFound() {
  return AwsError::Sender("NotFound", "PlatformApplication does not exist", 404);
}
inline AwsError ResourceNotFound(std::string message = "Resource does not exist") {
  return AwsError::Sender("ResourceNotFound", std::move(message), 404);
}
inline AwsError AuthorizationError(std::string message) {
  return AwsError::Sender("AuthorizationError", std::move(message), 403);
}
inline AwsError EndpointDisabled() {
  return AwsError::Sender("EndpointDisabled", "Endpoint is disabled");
}
inline AwsError TooManyEntries() {
  return AwsError::Sender("TooManyEntriesInBatchRequest",
                          "The batch request contains more entries than permissible.");
}
inline AwsError EmptyBatch() {
  return AwsError::Sender("EmptyBatchRequest",
                          "The batch request doesn't contain any entries.");
}
inline AwsError BatchIdsNotDistinct() {
  return AwsError::Sender("BatchEntryIdsNotDistinct",
                          "Two or more batch entries in the request have the same Id.");
}
inline AwsError InvalidBatchEntryId() {
  return AwsError::Sender("InvalidBatchEntryId",
                          "A batch entry id can only contain alphanumeric characters, hyphens and "
                          "underscores. It can be at most 80 letters long.");
}
inline AwsError BatchTooLong() {
  return AwsError::Sender("BatchRequestTooLong",
                          "The length of all the messages put together is more than the limit.");
}
inline AwsError TagLimitExceeded() {
  return AwsError::Sender("TagLimitExceeded",
                          "Could not complete request: tag quota of per resource exceeded");
}
// AWS: the front end's constraint failures.
inline AwsError Validation(std::string message) {
  return AwsError::Sender("ValidationError", std::move(message));
}

}  // namespace nimbus::sns::errors
