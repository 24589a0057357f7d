#pragma once

#include <memory>

#include "edge/data_plane.h"
#include "services/sns/signing_keys.h"

namespace nimbus::sns {

// Serves the certificate SNS signs messages with at SigningCertURL
// (GET /_aws/sns/SimpleNotificationService-<id>.pem), so subscribers can verify signatures as
// they do against AWS. Shares the key pair with SnsService.
class SigningCertDataPlane final : public edge::DataPlane {
 public:
  explicit SigningCertDataPlane(std::shared_ptr<SigningKeys> keys) : keys_(std::move(keys)) {}

  std::string_view Name() const override { return "sns-cert"; }
  bool Matches(const protocol::HttpRequest& request) const override;
  boost::asio::awaitable<protocol::HttpResponse> Handle(protocol::HttpRequest& request,
                                                        const std::string& request_id) override;

 private:
  std::shared_ptr<SigningKeys> keys_;
};

}  // namespace nimbus::sns
