#include "services/sns/signing_cert_data_plane.h"

namespace nimbus::sns {

bool SigningCertDataPlane::Matches(const protocol::HttpRequest& request) const {
  return request.path == kSigningCertPath;
}

boost::asio::awaitable<protocol::HttpResponse> SigningCertDataPlane::Handle(
    protocol::HttpRequest& request, const std::string& /*request_id*/) {
  protocol::HttpResponse res;
  if (request.method != "GET" && request.method != "HEAD") {
    res.status = 405;
    res.SetHeader("Allow", "GET, HEAD");
    co_return res;
  }
  res.SetHeader("Content-Type", "application/x-x509-ca-cert");
  res.body = keys_->CertificatePem();
  co_return res;
}

}  // namespace nimbus::sns
