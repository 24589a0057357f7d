#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "edge/protocol/codec.h"
#include "services/apigateway/execute/targets.h"

namespace nimbus::apigateway {

// One request to a deployed API, as the integrations and event builders see it.
struct Invocation {
  const protocol::HttpRequest* request = nullptr;
  std::string request_id;
  std::shared_ptr<const DeployedApi> api;
  RouteMatch match;
  std::string path;        // below the stage, percent-decoded ("/items/1")
  std::string raw_path;    // as sent, below the stage
  std::string domain;      // Host without port
  std::string source_ip = "127.0.0.1";
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  int64_t epoch_ms = 0;
  std::string api_key;     // x-api-key (or the authorizer's usageIdentifierKey)
  std::string api_key_id;
  // What a Lambda authorizer returned: principalId and context values (v1), or the v2
  // authorizer object ({"lambda": {...}} / {"jwt": {...}}); null when none ran.
  rapidjson::Document authorizer;
  std::string principal_id;

  // "GET /items/{id}" (v2) or the resource path "/items/{id}" (v1).
  std::string ResourcePath() const;
  std::string Method() const { return request->method; }
  // arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path without leading />
  std::string MethodArn() const;
  std::string StageVariable(const std::string& name) const;
  // "/<stage>" as paths in events show it ("" for an HTTP API's $default stage).
  std::string stage_prefix() const;
  // The first label of the host (the API id for execute-api hosts).
  std::string api_id_prefix() const;
};

// The value of a method request parameter ("method.request.header.X", ".querystring.X",
// ".path.X"), or nothing when the request lacks it.
std::optional<std::string> MethodRequestValue(const Invocation& inv, std::string_view key);

// "dd/Mon/yyyy:HH:mm:ss +0000", as requestContext.requestTime shows it.
std::string RequestTime(int64_t epoch_ms);

// Content types whose bodies pass as text (else base64 when binaryMediaTypes match).
bool IsTextContent(std::string_view content_type);
// Whether `content_type` matches an API's binaryMediaTypes ("image/png", "image/*", "*/*").
bool IsBinaryType(const rapidjson::Value* binary_media_types, std::string_view content_type);

}  // namespace nimbus::apigateway
