#pragma once

#include <string>

#include "edge/protocol/codec.h"
#include "services/apigateway/execute/invocation.h"

// Lambda proxy integrations (AWS_PROXY): the events API Gateway sends a function and how it
// reads the function's answer.
namespace nimbus::apigateway {

// Payload format 1.0 (REST APIs, and HTTP APIs that ask for it).
std::string BuildEventV1(const Invocation& inv);
// Payload format 2.0 (HTTP APIs).
std::string BuildEventV2(const Invocation& inv);

// AWS: a 1.0 answer must be a JSON object of statusCode, headers, multiValueHeaders, body and
// isBase64Encoded only; anything else is a 502 "Internal server error".
// `decode_base64`: whether isBase64Encoded bodies are decoded (AWS: for REST APIs only when the
// request's Accept matches binaryMediaTypes; else the base64 text is the body).
protocol::HttpResponse MapResponseV1(const std::string& payload, bool allow_cookies = false,
                                     bool decode_base64 = true);
// AWS: a 2.0 answer with statusCode is read like 1.0 (plus cookies); any other valid JSON is a
// 200 application/json whose body is the answer.
protocol::HttpResponse MapResponseV2(const std::string& payload);

// Marks API Gateway's own error responses (as opposed to what an integration answered) until
// the data plane has applied the API's gateway responses; never sent to clients.
inline constexpr char kGatewayErrorMarker[] = "x-nimbus-gateway-error";

// {"message": <message>} with the status, as API Gateway's own errors look.
protocol::HttpResponse GatewayError(unsigned status, std::string_view message,
                                    std::string_view error_type = {});

}  // namespace nimbus::apigateway
