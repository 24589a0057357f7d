#pragma once

#include <set>
#include <string>

#include "edge/data_plane.h"
#include "edge/dispatcher.h"

namespace nimbus::cli {

// LocalStack's SERVICES=sqs,lambda,...: API calls to a service not listed answer 501
// InternalFailure "Service 'x' is not enabled. Please check your 'SERVICES' configuration
// variable." in the service's own protocol, as LocalStack's strict service loading does.
// In-process calls between services are not affected. "apigateway" covers API Gateway v1 and
// v2, "cloudwatchlogs" is an alias of "logs"; LocalStack's shorthand "serverless" names iam,
// lambda, apigateway, sns, sqs, logs and sts (those of its list that Nimbus serves).
// Health (/_localstack/health, /_nimbus/health) then reports the others as "disabled".
class ServicesFilter final : public edge::DataPlane {
 public:
  // nullptr-equivalent: Enabled() is false when SERVICES is unset or empty.
  static ServicesFilter FromEnvironment();
  bool Enabled() const { return !allowed_.empty(); }
  // The dispatcher whose statuses health reports (it outlives the filter).
  void SetDispatcher(const edge::Dispatcher* dispatcher) { dispatcher_ = dispatcher; }

  std::string_view Name() const override { return "services-filter"; }
  bool Matches(const protocol::HttpRequest& request) const override;
  boost::asio::awaitable<protocol::HttpResponse> Handle(protocol::HttpRequest& request,
                                                        const std::string& request_id) override;

 private:
  bool Allowed(const std::string& model) const;
  std::set<std::string> allowed_;
  const edge::Dispatcher* dispatcher_ = nullptr;
};

}  // namespace nimbus::cli
