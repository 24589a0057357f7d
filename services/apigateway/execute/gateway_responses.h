#pragma once

#include "edge/protocol/codec.h"
#include "services/apigateway/execute/invocation.h"

namespace nimbus::apigateway {

// Applies a REST API's gateway responses (PutGatewayResponse) to an error API Gateway itself
// produced (marked with kGatewayErrorMarker): the response type is derived from the error
// (MISSING_AUTHENTICATION_TOKEN, UNAUTHORIZED, ACCESS_DENIED, INVALID_API_KEY,
// BAD_REQUEST_PARAMETERS, BAD_REQUEST_BODY, UNSUPPORTED_MEDIA_TYPE, INTEGRATION_FAILURE,
// INTEGRATION_TIMEOUT, AUTHORIZER_CONFIGURATION_ERROR, ...), falling back to DEFAULT_4XX or
// DEFAULT_5XX; its status, headers (gatewayresponse.header.X) and template replace the
// defaults. Integration answers are left alone.
void ApplyGatewayResponse(const Invocation& inv, protocol::HttpResponse& res);

}  // namespace nimbus::apigateway
