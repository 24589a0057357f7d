#pragma once

#include <memory>

#include "services/common/auth.h"
#include "services/iam/iam_state.h"

namespace nimbus::iam {

// The edge's AccessControl, backed by IAM's state: access keys → principals, and policy
// evaluation for a request (identity policies, boundary, session policies, and the resource's
// own policy: an SQS queue's Policy attribute, an SNS topic's Policy, a Lambda function's
// policy, a role's trust policy). Resource policies are fetched with in-process calls to the
// owning service; the rest runs on the IAM strand.
class IamAccessControl final : public AccessControl {
 public:
  explicit IamAccessControl(std::shared_ptr<IamState> state) : state_(std::move(state)) {}

  boost::asio::awaitable<Result<SigningIdentity>> Identify(std::string access_key_id,
                                                           std::string session_token) override;
  boost::asio::awaitable<AccessDecision> Authorize(const Principal& principal,
                                                   const AccessRequest& request) override;

 private:
  // The resource policy of the call's target, if its service keeps one ("" if none).
  boost::asio::awaitable<std::string> ResourcePolicy(const AccessRequest& request,
                                                     const std::string& resource);

  std::shared_ptr<IamState> state_;
};

}  // namespace nimbus::iam
