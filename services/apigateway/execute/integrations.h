#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "services/apigateway/execute/invocation.h"
#include "services/common/service_client.h"

// The backends an API Gateway integration calls: Lambda and SQS in process (ServiceClient),
// HTTP endpoints over libcurl on a worker pool (a strand never waits on the network).
namespace nimbus::apigateway {

struct LambdaResult {
  bool invoked = false;         // false: the Invoke call itself failed (no such function...)
  bool function_error = false;  // the function raised (FunctionError set)
  std::string payload;
  std::string error;            // the Invoke error's message when !invoked
  unsigned invoke_status = 0;   // the Invoke error's status when !invoked
};

// The function ARN in a Lambda integration URI
// (arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations), or the URI
// itself when it is already a function ARN or name.
std::string LambdaFunctionFromUri(const std::string& uri);
// "${stageVariables.x}" → its value.
std::string SubstituteStageVariables(std::string text, const Invocation& inv);
// The scope a function ARN lives in (its account and region), else `fallback`.
Scope ScopeOfArn(const std::string& arn, const Scope& fallback);

// `invocation_type`: RequestResponse, or Event (the X-Amz-Invocation-Type header a non-proxy
// integration maps) for an asynchronous invoke.
boost::asio::awaitable<LambdaResult> InvokeLambda(ServiceClient& client, Scope scope,
                                                  std::string function, std::string payload,
                                                  std::string invocation_type = {});

struct HttpCall {
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long timeout_ms = 29000;
};
struct HttpResult {
  bool ok = false;  // false: no response (connection refused, timeout)
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
// Performs the call on `pool` (blocking libcurl there) and resumes the caller afterwards.
boost::asio::awaitable<HttpResult> FetchHttp(boost::asio::any_io_executor pool, HttpCall call);

// An AWS service integration (arn:aws:apigateway:<region>:<service>:path/... or action/...):
// the call it makes and the HTTP-like answer API Gateway sees from it.
struct ServiceCallResult {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};
// A query service's answer as API Gateway sees it: JSON wrapped like the XML
// ({"<Action>Response": {"<Action>Result": ..., "ResponseMetadata": ...}}, the result naming
// every output member of `service`'s model, absent ones null), and an error as
// {"ErrorResponse": {"Error": {Code, Message, Type}, "RequestId"}}.
std::string QueryJsonResponse(std::string_view service, const std::string& action,
                              const rapidjson::Value& result, const std::string& request_id);
std::string QueryJsonError(std::string_view service, const AwsError& error,
                           const std::string& request_id);

boost::asio::awaitable<ServiceCallResult> CallAwsService(ServiceClient& client,
                                                         const Invocation& inv,
                                                         const std::string& uri,
                                                         std::map<std::string, std::string> headers,
                                                         std::string body);

}  // namespace nimbus::apigateway
