#pragma once

#include <optional>

#include <boost/asio/awaitable.hpp>

#include "edge/config.h"
#include "edge/protocol/codec.h"
#include "services/common/auth.h"
#include "services/common/request_context.h"

namespace nimbus::edge {

struct RouteTarget;

// The edge's authentication and authorization step, between decoding and dispatch.
// - SIGV4_VERIFY=1 (and ENFORCE_IAM=1): every signature is checked against the key's secret
//   (IAM-issued keys, STS sessions, and the test/test root keys); failures are AWS's auth
//   errors in the request's protocol.
// - ENFORCE_IAM=1: non-root callers need an allowing policy (AccessDenied otherwise);
//   ENFORCE_IAM=soft logs the would-be denial and lets the request through.
// - Otherwise nothing is rejected; IAM-issued keys (AKIA/ASIA) are still resolved so the
//   caller's identity and account are known to handlers (GetCallerIdentity).
// Every denial, and with DEBUG=1 every decision, is logged with the statement that decided.
class EdgeAuth {
 public:
  explicit EdgeAuth(const Config& config) : config_(config) {}
  void SetAccessControl(AccessControl* access) { access_ = access; }

  // Whether Check has anything to do for this request (false on the hot path: no verification,
  // no enforcement, a key Nimbus did not issue), so most requests skip the coroutine.
  bool Active(const RequestContext& ctx) const {
    const auto& key = ctx.caller.access_key_id;
    return access_ != nullptr &&
           (config_.sigv4_verify || config_.enforce_iam != EnforceIam::kOff ||
            key.rfind("AKIA", 0) == 0 || key.rfind("ASIA", 0) == 0);
  }

  // Fills ctx.principal (and the account of ctx.scope) or returns the error to answer with.
  boost::asio::awaitable<std::optional<AwsError>> Check(const protocol::HttpRequest& request,
                                                        const RouteTarget& target,
                                                        const protocol::OperationCall& call,
                                                        RequestContext& ctx);

 private:
  // Authorizes `principal` (anonymous for web identity callers) for the call. `principal` is
  // owned by the caller's frame.
  boost::asio::awaitable<std::optional<AwsError>> Enforce(const protocol::HttpRequest& request,
                                                          const RouteTarget& target,
                                                          const protocol::OperationCall& call,
                                                          RequestContext& ctx,
                                                          const Principal& principal);

  const Config& config_;
  AccessControl* access_ = nullptr;
};

}  // namespace nimbus::edge
