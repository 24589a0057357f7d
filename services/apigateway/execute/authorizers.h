#pragma once

#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "edge/protocol/codec.h"

// Authorizer logic that needs no I/O: IAM policy evaluation for Lambda authorizers, and JWT
// checks for HTTP API JWT authorizers.
namespace nimbus::apigateway {

enum class PolicyDecision { kAllow, kDeny, kImplicitDeny };

// Evaluates the policyDocument of a Lambda authorizer's answer for `method_arn`: an explicit
// Deny wins, then an Allow; else an implicit deny. Resources may use * and ? wildcards.
PolicyDecision EvaluatePolicy(const rapidjson::Value& policy_document,
                              const std::string& method_arn);

// Matches `text` against a pattern with * (any run) and ? (one character).
bool WildcardMatch(std::string_view pattern, std::string_view text);

// A JWT's claims when it is well-formed, unexpired at `now_seconds`, issued by `issuer` and
// meant for one of `audiences` (an array; empty means any). The signature is not checked:
// Nimbus runs offline and cannot fetch the issuer's keys.
std::optional<rapidjson::Document> CheckJwt(std::string_view token, const std::string& issuer,
                                            const rapidjson::Value* audiences,
                                            int64_t now_seconds);

// API Gateway's answers to failed authorization.
protocol::HttpResponse Unauthorized();                 // 401 {"message":"Unauthorized"}
protocol::HttpResponse AccessDenied(bool explicit_deny);  // 403 {"Message": "..."}

}  // namespace nimbus::apigateway
