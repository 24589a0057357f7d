#pragma once

#include <optional>
#include <string>

#include "edge/protocol/codec.h"

namespace nimbus::edge {

// The credential scope of a SigV4-signed request (Authorization header or presigned query).
struct SigV4Credential {
  std::string access_key_id;
  std::string date;     // YYYYMMDD
  std::string region;
  std::string service;  // signing name
};

std::optional<SigV4Credential> ParseCredential(const protocol::HttpRequest& request);

// The account a request acts in: a 12-digit access key id is an account id (LocalStack's
// convention); anything else is the default account.
std::string AccountForAccessKey(const std::string& access_key_id);

}  // namespace nimbus::edge
