#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "services/apigateway/execute/invocation.h"
#include "services/common/aws_error.h"

// HTTP APIs' first-class AWS service integrations (AWS_PROXY + IntegrationSubtype): request
// parameters mapped from the request into the service action's input.
namespace nimbus::apigateway {

// The value of a mapping source at invocation time: $request.body[.<path>],
// $request.header.<name> / .querystring.<name> (repeated values joined with commas),
// $request.path.<name>, $context.<name>, $stageVariables.<name>, else the static text.
// Nothing when the request lacks it.
std::optional<std::string> ResolveParameterSource(const Invocation& inv, std::string_view source);

// The SQS input for `subtype` ("SQS-SendMessage"...) from the integration's RequestParameters
// resolved against `inv`; `region` receives the Region parameter when mapped. Numbers,
// attribute maps (JSON objects) and name lists (JSON arrays or comma-separated) are typed as
// the SQS model declares them. A number that does not read is SQS's InvalidParameterValue
// (400, as SQS answers the text API Gateway passes on); an attribute map that is not a JSON
// object is API Gateway's own failure ("Unable to resolve property ...", answered 500).
struct SqsAction {
  std::string operation;  // "SendMessage"
  rapidjson::Document params;
  std::string region;
};
Result<SqsAction> SqsActionFor(const Invocation& inv, std::string_view subtype,
                               const rapidjson::Value* request_parameters);

}  // namespace nimbus::apigateway
