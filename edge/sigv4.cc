#include "edge/sigv4.h"

#include <algorithm>
#include <cctype>

#include "edge/protocol/encoding.h"
#include "services/common/scope.h"

namespace nimbus::edge {
namespace {

std::optional<SigV4Credential> ParseScope(std::string_view credential) {
  // <AKID>/<YYYYMMDD>/<region>/<service>/aws4_request
  std::string parts[5];
  size_t n = 0;
  size_t pos = 0;
  while (n < 5) {
    size_t slash = credential.find('/', pos);
    parts[n++] = std::string(credential.substr(pos, slash == std::string_view::npos
                                                        ? std::string_view::npos
                                                        : slash - pos));
    if (slash == std::string_view::npos) {
      break;
    }
    pos = slash + 1;
  }
  if (n < 4) {
    return std::nullopt;
  }
  return SigV4Credential{parts[0], parts[1], parts[2], parts[3]};
}

}  // namespace

std::optional<SigV4Credential> ParseCredential(const protocol::HttpRequest& request) {
  std::string_view auth = request.Header("authorization");
  if (!auth.empty()) {
    auto pos = auth.find("Credential=");
    if (pos == std::string_view::npos) {
      return std::nullopt;
    }
    auto value = auth.substr(pos + 11);
    auto end = value.find_first_of(", ");
    return ParseScope(value.substr(0, end));
  }
  auto pos = request.query.find("X-Amz-Credential=");
  if (pos != std::string::npos) {
    auto value = std::string_view(request.query).substr(pos + 17);
    auto decoded = protocol::PercentDecode(value.substr(0, value.find('&')), false);
    if (decoded) {
      return ParseScope(*decoded);
    }
  }
  return std::nullopt;
}

std::string AccountForAccessKey(const std::string& access_key_id) {
  if (access_key_id.size() == 12 &&
      std::all_of(access_key_id.begin(), access_key_id.end(),
                  [](unsigned char c) { return std::isdigit(c); })) {
    return access_key_id;
  }
  return kDefaultAccountId;
}

}  // namespace nimbus::edge
