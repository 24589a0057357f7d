#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>

#include "services/common/service.h"
#include "services/iam/iam_state.h"

namespace nimbus::sts {

// AWS Security Token Service: caller identity and temporary credentials (AssumeRole,
// AssumeRoleWithWebIdentity, GetSessionToken). Sessions live in IAM's state (the edge looks
// their keys up there), so handlers hop to the IAM strand for their work.
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

 private:
  // The bodies, run on the IAM strand.
  Result<Output> DoGetCallerIdentity(RequestContext& ctx);
  Result<Output> DoAssumeRole(RequestContext& ctx, ParamReader& in, bool web_identity);
  Result<Output> DoGetSessionToken(RequestContext& ctx, ParamReader& in);
  Result<Output> DoGetAccessKeyInfo(ParamReader& in);

  std::shared_ptr<iam::IamState> state_;
};

}  // namespace nimbus::sts
