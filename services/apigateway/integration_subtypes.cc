#include "services/apigateway/integration_subtypes.h"

#include <algorithm>

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/json_util.h"

namespace nimbus::apigateway {
namespace {

// AWS's integration subtype reference (developer guide, "Integration subtype reference").
const std::vector<IntegrationSubtype>& Subtypes() {
  static const std::vector<IntegrationSubtype> kSubtypes = {
      {"SQS-SendMessage",
       {{"QueueUrl", true}, {"MessageBody", true}, {"DelaySeconds"}, {"MessageAttributes"},
        {"MessageDeduplicationId"}, {"MessageGroupId"}, {"MessageSystemAttributes"}, {"Region"}},
       true},
      {"SQS-ReceiveMessage",
       {{"QueueUrl", true}, {"AttributeNames"}, {"MaxNumberOfMessages"},
        {"MessageAttributeNames"}, {"ReceiveRequestAttemptId"}, {"VisibilityTimeout"},
        {"WaitTimeSeconds"}, {"Region"}},
       true},
      {"SQS-DeleteMessage", {{"ReceiptHandle", true}, {"QueueUrl", true}, {"Region"}}, true},
      {"SQS-PurgeQueue", {{"QueueUrl", true}, {"Region"}}, true},
      {"EventBridge-PutEvents",
       {{"Detail", true}, {"DetailType", true}, {"Source", true}, {"Time"}, {"EventBusName"},
        {"Resources"}, {"Region"}, {"TraceHeader"}}},
      {"AppConfig-GetConfiguration",
       {{"Application", true}, {"Environment", true}, {"Configuration", true},
        {"ClientId", true}, {"ClientConfigurationVersion"}, {"Region"}}},
      {"Kinesis-PutRecord",
       {{"StreamName", true}, {"Data", true}, {"PartitionKey", true},
        {"SequenceNumberForOrdering"}, {"ExplicitHashKey"}, {"Region"}}},
      {"StepFunctions-StartExecution",
       {{"StateMachineArn", true}, {"Name"}, {"Input"}, {"Region"}}},
      {"StepFunctions-StartSyncExecution",
       {{"StateMachineArn", true}, {"Name"}, {"Input"}, {"Region"}, {"TraceHeader"}}},
      {"StepFunctions-StopExecution", {{"ExecutionArn", true}, {"Cause"}, {"Error"}, {"Region"}}},
  };
  return kSubtypes;
}

// AWS words its parameter-mapping rejections as a validation result.
AwsError ValidationFailed(std::string_view what, const std::vector<std::string>& errors) {
  std::string joined;
  for (const auto& e : errors) {
    joined += (joined.empty() ? "" : ", ") + e;
  }
  return errors::BadRequest(std::string(what) +
                            ": Validation Result: warnings : [], errors : [" + joined + "]");
}

bool NameChars(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c != ' ' && c != '$' && c != '{' && c != '}' && c != '\'' && c != '"';
  });
}

}  // namespace

const IntegrationSubtype* FindSubtype(std::string_view name) {
  for (const auto& s : Subtypes()) {
    if (s.name == name) {
      return &s;
    }
  }
  return nullptr;
}

bool ValidParameterSource(std::string_view value) {
  if (value.empty() || value.front() != '$') {
    // A static value. AWS refuses JSON text as one (a static MessageAttributes map is
    // "Invalid source: {...} specified for destination: MessageAttributes").
    return !value.empty() && value.front() != '{' && value.front() != '[';
  }
  if (value == "$request.body") {
    return true;
  }
  for (std::string_view prefix : {"$request.body.", "$request.header.", "$request.querystring.",
                                  "$request.path.", "$context.", "$stageVariables."}) {
    if (value.substr(0, prefix.size()) == prefix) {
      return NameChars(value.substr(prefix.size()));
    }
  }
  return false;
}

std::optional<AwsError> CheckSubtypeIntegration(const rapidjson::Value& integration) {
  std::string name = json::GetStr(integration, "IntegrationSubtype");
  if (name.empty()) {
    return std::nullopt;
  }
  const IntegrationSubtype* subtype = FindSubtype(name);
  if (subtype == nullptr) {
    return errors::BadRequest("Integration subtype " + name + " is not supported.");
  }
  if (json::GetStr(integration, "IntegrationType") != "AWS_PROXY") {
    return errors::BadRequest("Integration subtype can only be specified for AWS_PROXY "
                              "integrations.");
  }
  if (std::string v = json::GetStr(integration, "PayloadFormatVersion", "1.0"); v != "1.0") {
    return errors::BadRequest("Payload format version " + v + " is not supported for " +
                              name + " integrations. Supported version: 1.0");
  }
  const rapidjson::Value* params = json::Get(integration, "RequestParameters");
  std::vector<std::string> problems;
  if (params != nullptr && params->IsObject()) {
    for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      bool known = std::any_of(subtype->parameters.begin(), subtype->parameters.end(),
                               [&](const SubtypeParameter& p) { return p.name == key; });
      if (!known) {
        problems.push_back("Parameter " + std::string(key) + " is not supported for " + name);
        continue;
      }
      std::string_view value = it->value.IsString()
                                   ? std::string_view(it->value.GetString(),
                                                      it->value.GetStringLength())
                                   : std::string_view();
      if (!ValidParameterSource(value)) {
        problems.push_back("Invalid source: " + std::string(value) +
                           " specified for destination: " + std::string(key));
      }
    }
  }
  if (!problems.empty()) {
    return ValidationFailed("Invalid selection expression specified", problems);
  }
  for (const auto& p : subtype->parameters) {
    if (p.required && (params == nullptr || json::Get(*params, p.name) == nullptr)) {
      problems.push_back("Missing required parameter: " + std::string(p.name) + " for " + name);
    }
  }
  if (!problems.empty()) {
    return ValidationFailed("Invalid request parameters specified", problems);
  }
  return std::nullopt;
}

}  // namespace nimbus::apigateway
