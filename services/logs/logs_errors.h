#pragma once

#include <string>

#include "services/common/aws_error.h"

// CloudWatch Logs errors (awsJson 1.1: `__type` is the code). Codes and messages as AWS sends
// them; all are HTTP 400 sender faults unless noted.
namespace nimbus::logs::errors {

inline AwsError LogGroupNotFound() {
  return AwsError::Sender("ResourceNotFoundException", "The specified log group does not exist.");
}
inline AwsError LogStreamNotFound() {
  return AwsError::Sender("ResourceNotFoundException",
                          "The specified log stream does not exist.");
}
inline AwsError ResourceNotFound() {
  return AwsError::Sender("ResourceNotFoundException", "The specified resource does not exist.");
}
inline AwsError LogGroupExists() {
  return AwsError::Sender("ResourceAlreadyExistsException",
                          "The specified log group already exists");
}
inline AwsError LogStreamExists() {
  return AwsError::Sender("ResourceAlreadyExistsException",
                          "The specified log stream already exists");
}
inline AwsError InvalidParameter(std::string message) {
  return AwsError::Sender("InvalidParameterException", std::move(message));
}
// AWS: the front end's constraint failures read "1 validation error detected: Value '<v>' at
// '<member>' failed to satisfy constraint: <constraint>", with code InvalidParameterException.
inline AwsError Validation(const std::string& value, const std::string& member,
                           const std::string& constraint) {
  return InvalidParameter("1 validation error detected: Value '" + value + "' at '" + member +
                          "' failed to satisfy constraint: " + constraint);
}
inline AwsError InvalidNextToken() {
  return InvalidParameter("The specified nextToken is invalid.");
}
inline AwsError TooManyTags(const std::string& arn) {
  return AwsError::Sender("TooManyTagsException",
                          "A resource can have no more than 50 tags: " + arn);
}

// AWS: PutLogEvents no longer returns DataAlreadyAcceptedException or
// InvalidSequenceTokenException ("the sequence token is now ignored ... even if the sequence
// token is not valid"), so Nimbus never raises them either. LimitExceededException guards
// account quotas (a million log groups per region) that a local emulator does not enforce.

}  // namespace nimbus::logs::errors
