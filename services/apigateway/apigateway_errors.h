#pragma once

#include <string>

#include "services/common/aws_error.h"

// API Gateway errors, v1 and v2 (rest-json: X-Amzn-ErrorType carries the code, the body the
// message). Codes and statuses as the models declare them.
namespace nimbus::apigateway::errors {

inline AwsError NotFound(std::string message) {
  return AwsError::Sender("NotFoundException", std::move(message), 404);
}
inline AwsError Conflict(std::string message) {
  return AwsError::Sender("ConflictException", std::move(message), 409);
}
inline AwsError BadRequest(std::string message) {
  return AwsError::Sender("BadRequestException", std::move(message), 400);
}
// AWS names the API as <account>:<id>.
inline AwsError InvalidRestApiId(const std::string& account, const std::string& id) {
  return NotFound("Invalid API identifier specified " + account + ":" + id);
}
inline AwsError InvalidResourceId(const std::string& /*id*/) {
  return NotFound("Invalid Resource identifier specified");
}
inline AwsError InvalidMethod() { return NotFound("Invalid Method identifier specified"); }
inline AwsError NoIntegration() { return NotFound("Invalid Integration identifier specified"); }
inline AwsError InvalidResponseStatus() {
  return NotFound("Invalid Response status code specified");
}
inline AwsError InvalidStage() { return NotFound("Invalid Stage identifier specified"); }
inline AwsError InvalidDeployment() {
  return NotFound("Invalid Deployment identifier specified");
}
inline AwsError InvalidModel() { return NotFound("Invalid model name specified"); }
inline AwsError InvalidApiKey() { return NotFound("Invalid API Key identifier specified"); }
inline AwsError InvalidUsagePlan(const std::string& /*id*/) {
  return NotFound("Invalid Usage Plan ID specified");
}

}  // namespace nimbus::apigateway::errors
