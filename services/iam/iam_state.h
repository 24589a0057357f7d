#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "services/common/auth.h"
#include "services/common/lazy.h"
#include "services/common/service.h"
#include "services/iam/iam_store.h"
#include "services/iam/policy/evaluator.h"

namespace nimbus::iam {

// IAM's state and what IAM, STS and the edge's access control share: the store, the IAM
// strand it lives on, and the lookups from access keys to principals and from principals to
// their policies. Everything here runs on the IAM strand; callers on other strands go through
// RunOnStrand().
class IamState {
 public:
  // Called by IamService::Start with IAM's own environment.
  void Start(const ServiceEnv& env);

  IamStore& store() { return *store_; }
  const boost::asio::any_io_executor& strand() const { return strand_; }
  ServiceClient* client() const { return client_; }
  const Clock& clock() const { return *clock_; }

  // An access key's secret and principal. `test` and 12-digit ids are account roots.
  Result<SigningIdentity> Identify(const std::string& key_id, const std::string& session_token);
  // Identity-side policies of a principal: managed + inline of the user and its groups, or of
  // the session's role; its permissions boundary; a session's policies.
  PolicySet PoliciesFor(const Principal& principal);
  // The text of a managed policy's default version (customer or AWS managed); empty if none.
  std::string ManagedPolicyDocument(const std::string& account, const std::string& arn);
  // Parsed documents, cached by text (policies are evaluated on every enforced request).
  std::shared_ptr<const PolicyDocument> Parsed(const std::string& text);
  // Principal tags (aws:PrincipalTag/<key>) of a user or a session's role.
  std::vector<std::pair<std::string, std::string>> PrincipalTags(const Principal& principal);

 private:
  Lazy<IamStore> store_;
  boost::asio::any_io_executor strand_;
  ServiceClient* client_ = nullptr;
  const Clock* clock_ = &SystemClock::Instance();
  std::unordered_map<std::string, std::shared_ptr<const PolicyDocument>> parsed_;
};

// Runs `f` (a plain callable) on `strand` and returns its result to the awaiting coroutine.
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> RunSync(F f) {
  co_return f();
}
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> RunOnStrand(const boost::asio::any_io_executor& strand,
                                                             F f) {
  co_return co_await boost::asio::co_spawn(strand, RunSync(std::move(f)),
                                           boost::asio::use_awaitable);
}

// ARNs and names shared by IAM and STS.
std::string UserArn(const std::string& account, const std::string& path, const std::string& name);
std::string RoleArn(const std::string& account, const std::string& path, const std::string& name);
// "arn:aws:iam::<a>:role/<path><name>" → {account, name}; nullopt when not a role ARN.
std::optional<std::pair<std::string, std::string>> ParseRoleArn(const std::string& arn);
// The account of an ARN (5th field), or empty.
std::string ArnAccount(const std::string& arn);
std::string StringMember(const rapidjson::Value& v, const char* name);

}  // namespace nimbus::iam
