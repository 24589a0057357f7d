#pragma once

#include <memory>

#include "edge/data_plane.h"
#include "services/sns/captured_messages.h"

namespace nimbus::sns {

// SNS on the edge port beside its API:
// - GET /_aws/sns/SimpleNotificationService-<id>.pem: the certificate messages are signed with
//   (SigningCertURL), so subscribers verify signatures as they do against AWS;
// - GET|DELETE /_aws/sns/{sms,platform-endpoint,email}-messages[?phoneNumber=|endpointArn=|
//   email=&accountId=&region=]: what SMS, mobile-push and email endpoints would have received
//   (LocalStack's retrospection endpoints, same paths and JSON keys).
// Shares SnsShared with SnsService.
class SigningCertDataPlane final : public edge::DataPlane {
 public:
  explicit SigningCertDataPlane(std::shared_ptr<SnsShared> shared) : shared_(std::move(shared)) {}

  std::string_view Name() const override { return "sns"; }
  bool Matches(const protocol::HttpRequest& request) const override;
  boost::asio::awaitable<protocol::HttpResponse> Handle(protocol::HttpRequest& request,
                                                        const std::string& request_id) override;

 private:
  std::shared_ptr<SnsShared> shared_;
};

}  // namespace nimbus::sns
