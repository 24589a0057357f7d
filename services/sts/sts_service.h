#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>

#include "services/common/service.h"
#include "services/iam/iam_state.h"
#include "services/sts/sts_internal.h"

namespace nimbus::sts {

// AWS Security Token Service: caller identity and temporary credentials (AssumeRole,
// AssumeRoleWithWebIdentity, AssumeRoleWithSAML, GetSessionToken, GetFederationToken). Sessions
// live in IAM's state (the edge looks their keys up there), so handlers hop to the IAM strand
// for their work.
class StsService final : public Service {
 public:
  explicit StsService(std::shared_ptr<iam::IamState> state) : state_(std::move(state)) {}
  std::string_view Name() const override { return "sts"; }
  void Register(OperationTable& table) override;

  boost::asio::awaitable<Result<Output>> GetCallerIdentity(RequestContext& ctx, ParamReader& in);
  boost::asio::awaitable<Result<Output>> AssumeRole(RequestContext& ctx, ParamReader& in);
  boost::asio::awaitable<Result<Output>> AssumeRoleWithWebIdentity(RequestContext& ctx,
                                                                   ParamReader& in);
  boost::asio::awaitable<Result<Output>> GetSessionToken(RequestContext& ctx, ParamReader& in);
  boost::asio::awaitable<Result<Output>> GetAccessKeyInfo(RequestContext& ctx, ParamReader& in);
  Result<Output> DecodeAuthorizationMessage(RequestContext& ctx, ParamReader& in);
  // sts_saml.cc
  boost::asio::awaitable<Result<Output>> AssumeRoleWithSAML(RequestContext& ctx, ParamReader& in);
  // sts_federation.cc
  boost::asio::awaitable<Result<Output>> GetFederationToken(RequestContext& ctx, ParamReader& in);

 private:
  // The bodies, run on the IAM strand.
  Result<Output> DoGetCallerIdentity(RequestContext& ctx);
  Result<Output> DoAssumeRole(RequestContext& ctx, ParamReader& in, bool web_identity);
  Result<Output> DoGetSessionToken(RequestContext& ctx, ParamReader& in);
  Result<Output> DoGetAccessKeyInfo(ParamReader& in);
  Result<Output> DoAssumeRoleWithSAML(RequestContext& ctx, ParamReader& in);
  Result<Output> DoGetFederationToken(RequestContext& ctx, ParamReader& in);

  // Shared by the AssumeRole* bodies.
  Result<SessionPolicies> ReadSessionPolicies(const std::optional<std::string>& policy,
                                              const rapidjson::Value* policy_arns,
                                              const std::string& account);
  // Stores a session (with its session policies) and now and then drops long-expired ones.
  void StoreSession(const std::string& key_id, rapidjson::Document session,
                    const SessionPolicies& policies, double now);
  // Credentials, AssumedRoleUser and PackedPolicySize of a new role session.
  Output IssueRoleSession(RequestContext& ctx, const RoleSession& spec);
  // AssumeRoleWithWebIdentity: a token whose issuer is a registered OIDC provider of the role's
  // account must name one of its client ids as audience and must not have expired.
  std::optional<AwsError> CheckRegisteredProvider(const std::string& account,
                                                  const std::string& issuer,
                                                  const rapidjson::Value& claims, double now);

  std::shared_ptr<iam::IamState> state_;
};

}  // namespace nimbus::sts
