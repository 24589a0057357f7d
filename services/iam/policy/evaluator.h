#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "services/iam/policy/policy_document.h"

namespace nimbus::iam {

// What is being asked, by whom, in which context. Context keys are stored lowercase (policy
// keys compare case-insensitively); multi-valued keys have several values.
struct RequestFacts {
  std::string action;    // "sqs:SendMessage"
  std::string resource;  // an ARN, or "*"
  std::string principal_arn;      // the caller (an assumed-role session's sts ARN for sessions)
  std::string principal_account;
  // Other ARNs a resource policy may name this principal by (the role ARN of a session).
  std::vector<std::string> principal_aliases;
  std::string principal_service;  // "sns.amazonaws.com" when a service principal calls
  std::map<std::string, std::vector<std::string>> context;

  void Set(const std::string& key, std::string value);
  const std::vector<std::string>* Find(const std::string& key) const;
};

// A policy as the evaluator sees it: where it came from (for explanations and simulation
// results), and the parsed document.
struct NamedPolicy {
  std::string id;    // policy ARN, "user/<name>/<policy>", "resource policy", ...
  std::string type;  // AWS PolicySourceType: "user", "group", "role", "aws-managed", "user-managed", "resource", "none"
  std::shared_ptr<const PolicyDocument> doc;
};

struct PolicySet {
  std::vector<NamedPolicy> identity;
  bool has_boundary = false;
  std::vector<NamedPolicy> boundary;
  bool has_session = false;  // session policies passed to AssumeRole limit the session
  std::vector<NamedPolicy> session;
  std::vector<NamedPolicy> resource;
  std::string resource_account;  // empty = same account as the principal
};

enum class Decision { kAllowed, kExplicitDeny, kImplicitDeny };

struct MatchedStatement {
  std::string policy_id;
  std::string policy_type;
  size_t index = 0;  // 0-based statement position
  std::string sid;
  bool allow = false;
};

struct Evaluation {
  Decision decision = Decision::kImplicitDeny;
  // The statements that decided: the denying ones for an explicit deny, else the allowing ones.
  std::vector<MatchedStatement> matched;
  std::vector<std::string> missing_context;  // condition keys absent from the request
  bool boundary_denied = false;
  bool session_denied = false;

  // One line: "allowed by <policy> statement <sid>" / "explicitly denied by ..." / why not.
  std::string Explain(const RequestFacts& facts) const;
  std::string DecisionName() const;  // "allowed" | "explicitDeny" | "implicitDeny"
};

// AWS's evaluation logic for one account (plus the cross-account rule for resource policies):
// explicit deny wins; otherwise an identity or resource policy must allow, within the
// permissions boundary and session policies when they exist.
Evaluation Evaluate(const PolicySet& policies, const RequestFacts& facts);

// Wildcard match with `*` (any run) and `?` (one character).
bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace nimbus::iam
