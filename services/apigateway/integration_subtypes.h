#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "services/common/aws_error.h"

// HTTP APIs' first-class AWS service integrations (IntegrationType AWS_PROXY with an
// IntegrationSubtype): which subtypes exist, the request parameters each takes, and AWS's
// checks of an integration that names one.
namespace nimbus::apigateway {

struct SubtypeParameter {
  std::string_view name;
  bool required = false;
};
struct IntegrationSubtype {
  std::string_view name;  // "SQS-SendMessage"
  std::vector<SubtypeParameter> parameters;
  bool served = false;    // whether this process's data plane can call it
};

// The subtype named `name`, or null when AWS has none by that name.
const IntegrationSubtype* FindSubtype(std::string_view name);

// AWS's checks of an HTTP API integration (the stored object after a create or update merge):
// the subtype exists and is used with AWS_PROXY and payload 1.0, and its RequestParameters name
// only the subtype's parameters, every required one, each mapped from a valid source.
std::optional<AwsError> CheckSubtypeIntegration(const rapidjson::Value& integration);

// Whether `value` is a valid mapping source for a first-class integration parameter:
// a static value, or $request.body[.<json path>], $request.header.<name>,
// $request.querystring.<name>, $request.path.<name>, $context.<name>, $stageVariables.<name>.
bool ValidParameterSource(std::string_view value);

}  // namespace nimbus::apigateway
