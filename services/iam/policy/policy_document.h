#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/aws_error.h"

namespace nimbus::iam {

// One condition test: `op` applied to context key `key` against `values`
// ("StringLike": {"aws:SourceArn": ["arn:...:*"]}). `op` is the base operator name without the
// set prefix or IfExists suffix.
struct Condition {
  enum class Set { kNone, kForAnyValue, kForAllValues };
  std::string op;
  Set set = Set::kNone;
  bool if_exists = false;
  std::string key;  // as written; context lookups ignore case
  std::vector<std::string> values;
};

// Principal / NotPrincipal: "*" or a map of principal type ("AWS", "Service", "Federated",
// "CanonicalUser") to identifiers.
struct PrincipalSet {
  bool any = false;
  std::map<std::string, std::vector<std::string>> ids;
};

struct Statement {
  std::string sid;
  bool allow = false;
  bool not_action = false;
  std::vector<std::string> actions;
  bool has_resource = false;  // Resource or NotResource present (trust policies have none)
  bool not_resource = false;
  std::vector<std::string> resources;
  bool has_principal = false;
  bool not_principal = false;
  PrincipalSet principal;
  std::vector<Condition> conditions;
};

struct PolicyDocument {
  std::string version;  // "2012-10-17", "2008-10-17", or empty (old semantics: no variables)
  std::vector<Statement> statements;
};

// What a document is for; decides which elements are required or prohibited.
enum class PolicyKind {
  kIdentity,  // managed and inline policies, boundaries, session policies: no Principal
  kResource,  // queue/topic/function policies: Principal required
  kTrust,     // role trust policies: Principal required, no Resource
};

// Parses and validates a policy document as IAM does on Create/Put. Errors are
// MalformedPolicyDocument with AWS's messages.
Result<PolicyDocument> ParsePolicy(std::string_view json, PolicyKind kind);

// Parses without kind checks (for resource policies written by other services, which validated
// them already); nullptr when the text is not a policy at all.
std::shared_ptr<const PolicyDocument> ParsePolicyLenient(std::string_view json);

}  // namespace nimbus::iam
