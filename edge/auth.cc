#include "edge/auth.h"

#include <chrono>
#include <cstdio>

#include "edge/router.h"
#include "edge/sigv4.h"

namespace nimbus::edge {
namespace asio = boost::asio;

namespace {

// AWS's auth errors differ between query services and JSON/REST ones.
struct AuthCodes {
  const char* invalid_token;
  const char* bad_signature;
  const char* expired_token;
  const char* missing_token;
  const char* access_denied;
};

AuthCodes CodesFor(const RouteTarget& target) {
  if (target.protocol == protocol::Protocol::kQuery) {
    return {"InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
            "MissingAuthenticationToken",
            target.service == "sns" ? "AuthorizationError" : "AccessDenied"};
  }
  return {"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
          "MissingAuthenticationTokenException", "AccessDeniedException"};
}

std::string AmzDate(double epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

bool IsIssuedKey(const std::string& key) {
  return key.rfind("AKIA", 0) == 0 || key.rfind("ASIA", 0) == 0;
}

// AWS: SNS subscription confirmation and unsubscribe links are plain unsigned GETs.
bool AnonymousAllowed(const RouteTarget& target, const protocol::OperationCall& call) {
  if (call.operation->no_auth) {
    return true;
  }
  return target.service == "sns" &&
         (call.operation->name == "ConfirmSubscription" || call.operation->name == "Unsubscribe");
}

}  // namespace

asio::awaitable<std::optional<AwsError>> EdgeAuth::Check(const protocol::HttpRequest& request,
                                                         const RouteTarget& target,
                                                         const protocol::OperationCall& call,
                                                         RequestContext& ctx) {
  if (access_ == nullptr) {
    co_return std::nullopt;
  }
  const bool verify = config_.sigv4_verify;
  const EnforceIam enforce = config_.enforce_iam;
  const AuthCodes codes = CodesFor(target);
  if (!verify && enforce == EnforceIam::kOff) {
    // Nothing is checked, but issued keys still say who is calling.
    if (IsIssuedKey(ctx.caller.access_key_id)) {
      auto id = co_await access_->Identify(ctx.caller.access_key_id, ctx.caller.session_token);
      if (id) {
        ctx.principal = id->principal;
        ctx.scope.account_id = id->principal.account_id;
      }
    }
    co_return std::nullopt;
  }
  std::string parse_error;
  auto sig = ParseSignature(request, parse_error);
  if (!sig) {
    if (!parse_error.empty()) {
      co_return AwsError::Sender("IncompleteSignature", parse_error, 400);
    }
    if (!verify || AnonymousAllowed(target, call)) {
      if (enforce != EnforceIam::kOff && target.service == "sts" &&
          call.operation->name == "AssumeRoleWithWebIdentity") {
        // The caller is the token's identity provider; the role's trust policy decides.
        const Principal anonymous;
        co_return co_await Enforce(request, target, call, ctx, anonymous);
      }
      co_return std::nullopt;  // anonymous: nothing to evaluate
    }
    co_return AwsError::Sender(codes.missing_token, "Request is missing Authentication Token",
                               403);
  }
  auto id = co_await access_->Identify(sig->credential.access_key_id, sig->security_token);
  if (!id) {
    if (!verify) {
      co_return std::nullopt;
    }
    AwsError e = id.error();
    e.code = e.code == "ExpiredToken" ? codes.expired_token : codes.invalid_token;
    co_return e;
  }
  if (verify) {
    double now = ctx.clock->NowSeconds();
    switch (VerifySignature(request, *sig, id->secret, now)) {
      case SigV4Failure::kNone:
        break;
      case SigV4Failure::kExpired:
        co_return AwsError::Sender(
            codes.bad_signature,
            "Signature expired: " + sig->amz_date + " is now earlier than " +
                AmzDate(now - 900) + " (" + AmzDate(now) + " - 15 min.)",
            403);
      case SigV4Failure::kDateMismatch:
        co_return AwsError::Sender(codes.bad_signature,
                                   "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                                   "version of date from HTTP: '" + sig->credential.date +
                                       "' != '" + sig->amz_date.substr(0, 8) + "', from '" +
                                       sig->amz_date + "'.",
                                   403);
      case SigV4Failure::kMismatch:
        co_return AwsError::Sender(
            codes.bad_signature,
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.",
            403);
    }
  }
  ctx.principal = id->principal;
  ctx.scope.account_id = id->principal.account_id;
  if (enforce == EnforceIam::kOff) {
    co_return std::nullopt;
  }
  co_return co_await Enforce(request, target, call, ctx, ctx.principal);
}

asio::awaitable<std::optional<AwsError>> EdgeAuth::Enforce(const protocol::HttpRequest& request,
                                                           const RouteTarget& target,
                                                           const protocol::OperationCall& call,
                                                           RequestContext& ctx,
                                                           const Principal& principal) {
  const EnforceIam enforce = config_.enforce_iam;
  const AuthCodes codes = CodesFor(target);
  AccessRequest access;
  access.service = target.service;
  access.operation = call.operation->name;
  access.params = &call.params;
  access.scope = ctx.scope;
  access.http_method = request.method;
  access.path = request.path;
  // Behind a proxy (a compose stack's), the first X-Forwarded-For hop is the client.
  std::string_view forwarded = request.Header("x-forwarded-for");
  access.source_ip = forwarded.empty() ? request.peer_address
                                       : std::string(forwarded.substr(0, forwarded.find(',')));
  AccessDecision decision = co_await access_->Authorize(principal, access);
  if (decision.allowed) {
    if (config_.debug) {
      std::fprintf(stderr, "iam: %s\n", decision.explanation.c_str());
    }
    co_return std::nullopt;
  }
  std::fprintf(stderr, "iam: %s%s\n", enforce == EnforceIam::kSoft ? "(soft, let through) " : "",
               decision.explanation.c_str());
  if (enforce == EnforceIam::kSoft) {
    co_return std::nullopt;
  }
  if (principal.kind == Principal::Kind::kAnonymous) {
    co_return AwsError::Sender(codes.access_denied,
                               "Not authorized to perform " + decision.action, 403);
  }
  std::string why = decision.explicit_deny
                        ? " with an explicit deny in an identity-based policy"
                        : " because no identity-based policy allows the " + decision.action +
                              " action";
  co_return AwsError::Sender(codes.access_denied,
                             "User: " + principal.arn + " is not authorized to perform: " +
                                 decision.action + " on resource: " + decision.resource + why,
                             403);
}

}  // namespace nimbus::edge
