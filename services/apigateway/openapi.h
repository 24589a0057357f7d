#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "services/common/aws_error.h"

// OpenAPI 3 / Swagger 2 definitions with API Gateway's x-amazon-apigateway-* extensions,
// translated to and from the stored form of a REST API (see apigateway_service.h).
namespace nimbus::apigateway::openapi {

// Parses a definition body: JSON, or YAML when the build has a YAML parser.
std::optional<rapidjson::Document> ParseDefinition(std::string_view body);

// Writes the definition's resources, methods, integrations, models, authorizers, request
// validators and API-level settings into `api` (a stored REST API document). With `overwrite`
// the API's resources, models, authorizers and validators are replaced; otherwise merged.
std::optional<AwsError> Import(const rapidjson::Value& definition, rapidjson::Document& api,
                               bool overwrite, double now);

// The definition of a deployed snapshot (see ApiGatewayService::CreateDeployment).
// `oas3` selects OpenAPI 3.0.1 over Swagger 2.0; `extensions` adds the
// x-amazon-apigateway-integration (and authorizer) extensions.
rapidjson::Document Export(const rapidjson::Value& snapshot, const std::string& stage,
                           const std::string& host, bool oas3, bool extensions);

}  // namespace nimbus::apigateway::openapi
