#include "services/sns/signing_cert_data_plane.h"

#include <string>

#include "edge/protocol/encoding.h"

namespace nimbus::sns {
namespace {

constexpr std::string_view kPrefix = "/_aws/sns/";

// The captured-message group a path names ("sms", "platform-endpoint", "email"), or empty.
// Runs on every request the edge sees, so it allocates nothing.
std::string_view GroupOf(std::string_view path) {
  constexpr std::string_view kSuffix = "-messages";
  if (!path.starts_with(kPrefix) || !path.ends_with(kSuffix)) {
    return {};
  }
  std::string_view name = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  for (std::string_view group : {"sms", "platform-endpoint", "email"}) {
    if (name == group) {
      return group;
    }
  }
  return {};
}

}  // namespace

bool SigningCertDataPlane::Matches(const protocol::HttpRequest& request) const {
  return request.path == kSigningCertPath || !GroupOf(request.path).empty();
}

boost::asio::awaitable<protocol::HttpResponse> SigningCertDataPlane::Handle(
    protocol::HttpRequest& request, const std::string& /*request_id*/) {
  protocol::HttpResponse res;
  bool get = request.method == "GET" || request.method == "HEAD";
  if (request.path == kSigningCertPath) {
    if (!get) {
      res.status = 405;
      res.SetHeader("Allow", "GET, HEAD");
      co_return res;
    }
    res.SetHeader("Content-Type", "application/x-x509-ca-cert");
    res.body = shared_->keys.CertificatePem();
    co_return res;
  }
  std::string group(GroupOf(request.path));
  auto params = protocol::ParseForm(request.query).value_or(protocol::FormParams{});
  auto param = [&params](const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  };
  std::string target = param(group == "sms"     ? "phoneNumber"
                             : group == "email" ? "email"
                                                : "endpointArn");
  std::string account = param("accountId");
  std::string region = param("region");
  if (request.method == "DELETE") {
    shared_->captured.Clear(group, target, account, region);
    res.status = 204;
    co_return res;
  }
  if (!get) {
    res.status = 405;
    res.SetHeader("Allow", "GET, HEAD, DELETE");
    co_return res;
  }
  res.SetHeader("Content-Type", "application/json");
  res.body = shared_->captured.Json(group, target, account, region);
  co_return res;
}

}  // namespace nimbus::sns
