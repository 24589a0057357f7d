#pragma once

#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>
#include <rapidjson/document.h>

#include "edge/data_plane.h"
#include "services/apigateway/execute/invocation.h"
#include "services/common/service_client.h"

namespace nimbus::apigateway {

class ApiGatewayService;
class ApiGatewayV2Service;

// Serves invocations of deployed REST APIs (v1) and HTTP APIs (v2) on the edge port, at
//   http://<apiId>.execute-api.<anything>/<stage>/<path>,
//   /restapis/<apiId>/<stage>/_user_request_/<path> and /_aws/execute-api/<apiId>/<stage>/<path>
// (an HTTP API's $default stage has no stage segment). The deployed API is fetched from the
// owning service on its strand (a frozen snapshot); routing, authorization, request checks,
// integrations (Lambda, SQS, HTTP, MOCK) and response mapping run on the connection's strand,
// and blocking HTTP calls on a small worker pool.
class ExecuteApiDataPlane final : public edge::DataPlane {
 public:
  ExecuteApiDataPlane(ApiGatewayService& v1, boost::asio::any_io_executor v1_strand,
                      ApiGatewayV2Service& v2, boost::asio::any_io_executor v2_strand,
                      ServiceClient& client);
  ~ExecuteApiDataPlane() override;

  std::string_view Name() const override { return "execute-api"; }
  bool Matches(const protocol::HttpRequest& request) const override;
  boost::asio::awaitable<protocol::HttpResponse> Handle(protocol::HttpRequest& request,
                                                        const std::string& request_id) override;

 private:
  using Response = protocol::HttpResponse;
  boost::asio::awaitable<Response> Serve(protocol::HttpRequest& request,
                                         const std::string& request_id);
  // A REST API request, then the API's gateway responses applied to API Gateway's own errors.
  boost::asio::awaitable<Response> InvokeRest(Invocation& inv);
  boost::asio::awaitable<Response> RunRest(Invocation& inv);
  boost::asio::awaitable<Response> InvokeHttpApi(Invocation& inv);
  // Authorization of a REST API method (CUSTOM Lambda authorizers) or an HTTP API route (JWT,
  // Lambda REQUEST authorizers): a response when the request is refused.
  boost::asio::awaitable<std::optional<Response>> AuthorizeRest(Invocation& inv,
                                                                const rapidjson::Value& method);
  boost::asio::awaitable<std::optional<Response>> AuthorizeHttp(Invocation& inv,
                                                                const rapidjson::Value& route);
  // The authorizer function's answer, from the cache when a live entry exists.
  struct AuthorizerAnswer {
    enum class Kind { kOk, kUnauthorized, kError } kind = Kind::kError;
    std::string payload;
  };
  boost::asio::awaitable<AuthorizerAnswer> RunAuthorizer(Invocation& inv,
                                                                   const rapidjson::Value& auth,
                                                                   std::string event,
                                                                   std::string cache_key,
                                                                   int64_t ttl_seconds);
  boost::asio::awaitable<Response> LambdaProxy(Invocation& inv, const std::string& uri,
                                               bool payload_v2);
  boost::asio::awaitable<Response> HttpProxy(Invocation& inv, std::string url,
                                             const rapidjson::Value* request_parameters,
                                             long timeout_ms);
  // An HTTP API's AWS_PROXY integration with an IntegrationSubtype (first_class.cc).
  boost::asio::awaitable<Response> FirstClassIntegration(Invocation& inv,
                                                         const rapidjson::Value& integration);
  boost::asio::awaitable<Response> NonProxy(Invocation& inv, const rapidjson::Value& integration,
                                            const rapidjson::Value& method);

  ApiGatewayService& v1_;
  boost::asio::any_io_executor v1_strand_;
  ApiGatewayV2Service& v2_;
  boost::asio::any_io_executor v2_strand_;
  ServiceClient& client_;
  // HTTP integrations block on libcurl, so they run here, never on a strand. Started by the
  // first HTTP integration: idle processes keep one thread (startup and RSS targets).
  boost::asio::any_io_executor HttpExecutor();
  std::once_flag http_pool_started_;
  std::optional<boost::asio::thread_pool> http_pool_;
};

}  // namespace nimbus::apigateway
