#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "edge/data_plane.h"
#include "services/common/service_client.h"
#include "services/lambda/lambda_service.h"
#include "services/lambda/runtime/executor.h"

namespace nimbus::lambda {

// Serves function URLs on the edge port: requests to host
// `<url-id>.lambda-url.<region>.<domain>` become payload-2.0 events for the function the URL
// belongs to (an internal Invoke), and the function's answer becomes the HTTP response, as AWS's
// function URLs do. A data plane, so it sees HTTP; the Lambda service itself does not.
class FunctionUrlDataPlane final : public edge::DataPlane {
 public:
  FunctionUrlDataPlane(LambdaService& lambda, boost::asio::any_io_executor lambda_strand,
                       ServiceClient& client)
      : lambda_(lambda), lambda_strand_(std::move(lambda_strand)), client_(client) {}

  std::string_view Name() const override { return "lambda-url"; }
  bool Matches(const protocol::HttpRequest& request) const override;
  boost::asio::awaitable<protocol::HttpResponse> Handle(protocol::HttpRequest& request,
                                                        const std::string& request_id) override;

 private:
  LambdaService& lambda_;
  boost::asio::any_io_executor lambda_strand_;
  ServiceClient& client_;
};

// Serves GetFunction's Code.Location: GET /_nimbus/lambda/code/<sha256, base64url>.zip.
class CodeDownloadDataPlane final : public edge::DataPlane {
 public:
  explicit CodeDownloadDataPlane(const runtime::CodeStore& code) : code_(code) {}
  std::string_view Name() const override { return "lambda-code"; }
  bool Matches(const protocol::HttpRequest& request) const override;
  boost::asio::awaitable<protocol::HttpResponse> Handle(protocol::HttpRequest& request,
                                                        const std::string& request_id) override;

 private:
  const runtime::CodeStore& code_;
};

}  // namespace nimbus::lambda
