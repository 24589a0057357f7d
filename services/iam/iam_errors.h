#pragma once

#include <string>

#include "services/common/aws_error.h"

// IAM errors (query protocol: <Code> as the model's error codes). Messages as AWS words them.
namespace nimbus::iam::errors {

inline AwsError NoSuchEntity(std::string message) {
  return AwsError::Sender("NoSuchEntity", std::move(message), 404);
}
inline AwsError NoSuchUser(const std::string& name) {
  return NoSuchEntity("The user with name " + name + " cannot be found.");
}
inline AwsError NoSuchRole(const std::string& name) {
  return NoSuchEntity("The role with name " + name + " cannot be found.");
}
inline AwsError NoSuchGroup(const std::string& name) {
  return NoSuchEntity("The group with name " + name + " cannot be found.");
}
inline AwsError NoSuchPolicy(const std::string& arn) {
  return NoSuchEntity("Policy " + arn + " does not exist or is not attachable.");
}
inline AwsError NoSuchInstanceProfile(const std::string& name) {
  return NoSuchEntity("Instance Profile " + name + " cannot be found.");
}
inline AwsError EntityAlreadyExists(std::string message) {
  return AwsError::Sender("EntityAlreadyExists", std::move(message), 409);
}
inline AwsError DeleteConflict(std::string message) {
  return AwsError::Sender("DeleteConflict", std::move(message), 409);
}
inline AwsError LimitExceeded(std::string message) {
  return AwsError::Sender("LimitExceeded", std::move(message), 409);
}
inline AwsError InvalidInput(std::string message) {
  return AwsError::Sender("InvalidInput", std::move(message), 400);
}
inline AwsError Validation(std::string message) {
  return AwsError::Sender("ValidationError", std::move(message), 400);
}
inline AwsError MalformedPolicy(std::string message) {
  return AwsError::Sender("MalformedPolicyDocument", std::move(message), 400);
}
inline AwsError Unmodifiable(std::string message) {
  return AwsError::Sender("UnmodifiableEntity", std::move(message), 400);
}
// AWS: constraint failures name the member in camelCase.
inline AwsError ValidationField(const std::string& value, const std::string& member,
                                const std::string& constraint) {
  return Validation("1 validation error detected: Value '" + value + "' at '" + member +
                    "' failed to satisfy constraint: " + constraint);
}

}  // namespace nimbus::iam::errors
