#pragma once

#include <string>

#include "services/common/aws_error.h"

// Lambda errors. Codes and HTTP statuses are the model's exception shapes (lambda.json);
// ValidationException is what AWS's front end answers for constraint violations (it is not
// modeled, and the dispatcher uses it for missing required members too).
namespace nimbus::lambda::errors {

inline AwsError ResourceNotFound(const std::string& message) {
  return AwsError::Sender("ResourceNotFoundException", message, 404);
}
inline AwsError FunctionNotFound(const std::string& arn) {
  return ResourceNotFound("Function not found: " + arn);
}
inline AwsError ResourceDoesNotExist() {
  return ResourceNotFound("The resource you requested does not exist.");
}
inline AwsError ResourceConflict(const std::string& message) {
  return AwsError::Sender("ResourceConflictException", message, 409);
}
inline AwsError ResourceInUse(const std::string& message) {
  return AwsError::Sender("ResourceInUseException", message, 400);
}
inline AwsError InvalidParameterValue(const std::string& message) {
  return AwsError::Sender("InvalidParameterValueException", message, 400);
}
inline AwsError Validation(const std::string& message) {
  return AwsError::Sender("ValidationException", message, 400);
}
// AWS: "1 validation error detected: Value 'x' at 'timeout' failed to satisfy constraint: ...".
inline AwsError ValidationField(const std::string& value, const std::string& field,
                                const std::string& constraint) {
  return Validation("1 validation error detected: Value '" + value + "' at '" + field +
                    "' failed to satisfy constraint: " + constraint);
}
inline AwsError PreconditionFailed() {
  return AwsError::Sender("PreconditionFailedException",
                          "The Revision Id provided does not match the latest Revision Id. Call "
                          "the GetFunction/GetAlias API to retrieve the latest Revision Id",
                          412);
}
inline AwsError TooManyRequests(const std::string& message) {
  return AwsError::Sender("TooManyRequestsException", message, 429);
}
inline AwsError InvalidRequestContent(const std::string& message) {
  return AwsError::Sender("InvalidRequestContentException", message, 400);
}
inline AwsError RequestTooLarge(const std::string& message) {
  return AwsError::Sender("RequestTooLargeException", message, 413);
}
inline AwsError PolicyLengthExceeded() {
  return AwsError::Sender("PolicyLengthExceededException",
                          "The final policy size is bigger than the limit.", 400);
}
inline AwsError Service(const std::string& message) {
  return AwsError::Receiver("ServiceException", message, 500);
}

}  // namespace nimbus::lambda::errors
