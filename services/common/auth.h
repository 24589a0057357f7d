#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <rapidjson/document.h>

#include "services/common/aws_error.h"
#include "services/common/scope.h"

namespace nimbus {

// The identity behind an access key: the account root, an IAM user, or an STS session.
struct Principal {
  enum class Kind { kAnonymous, kRoot, kUser, kAssumedRole, kFederatedUser };
  Kind kind = Kind::kAnonymous;
  std::string account_id;
  std::string arn;      // arn:aws:iam::<a>:root | :user/<path><name> | arn:aws:sts::<a>:assumed-role/<r>/<s>
  std::string user_id;  // <account> | AIDA... | AROA...:<session>
  std::string name;     // user name, or role name for sessions
  std::string role_arn;  // sessions: the IAM role's ARN
  std::string session_name;
  std::string access_key_id;
  bool IsRoot() const { return kind == Kind::kRoot; }
};

// An access key's secret and owner, for signature checks.
struct SigningIdentity {
  std::string secret;
  Principal principal;
};

// Facts about a request that policy conditions may test.
struct AccessRequest {
  std::string service;    // model name ("sqs")
  std::string operation;  // "SendMessage"
  const rapidjson::Value* params = nullptr;
  Scope scope;
  std::string source_ip;
  bool secure_transport = false;
  std::string http_method;  // of the wire request
  std::string path;         // raw request path
};

struct AccessDecision {
  bool allowed = true;
  std::string action;    // "sqs:SendMessage"
  std::string resource;  // ARN or "*"
  std::string explanation;  // one line naming the statement that decided
  bool explicit_deny = false;
  bool has_resource_policy = false;
};

// Authentication and authorization for the edge (implemented by IAM; the edge knows only this
// interface). Both may be called from any executor; implementations hop to their own strand.
class AccessControl {
 public:
  virtual ~AccessControl() = default;
  // The secret and principal of an access key. Errors: InvalidClientTokenId (unknown key, wrong
  // or missing session token), ExpiredToken (an expired session).
  virtual boost::asio::awaitable<Result<SigningIdentity>> Identify(std::string access_key_id,
                                                                   std::string session_token) = 0;
  // Evaluates the principal's policies (and the resource's) for a request.
  virtual boost::asio::awaitable<AccessDecision> Authorize(const Principal& principal,
                                                           const AccessRequest& request) = 0;
};

}  // namespace nimbus
