// IAM operations → IAM actions and entity ARNs.
#include "services/iam/action_tables/action_table.h"

namespace nimbus::iam {
namespace {

std::string Entity(const ActionInput& in, const char* param, const char* type) {
  std::string name = Param(in, param);
  if (name.empty()) {
    return "";
  }
  return "arn:aws:iam::" + in.scope.account_id + ":" + type + "/" + name;
}

// The resource an IAM call acts on: the named user, role, group, policy or instance profile.
std::string IamResource(const ActionInput& in) {
  std::string arn = Param(in, "PolicyArn");
  if (!arn.empty()) {
    return arn;
  }
  for (auto [param, type] : {std::pair{"RoleName", "role"}, std::pair{"UserName", "user"},
                             std::pair{"GroupName", "group"},
                             std::pair{"InstanceProfileName", "instance-profile"}}) {
    std::string r = Entity(in, param, type);
    if (!r.empty()) {
      return r;
    }
  }
  return "*";
}

std::string PolicyFromName(const ActionInput& in) {
  std::string path = Param(in, "Path");
  return "arn:aws:iam::" + in.scope.account_id + ":policy" + (path.empty() ? "/" : path) +
         Param(in, "PolicyName");
}

std::string SimulationSource(const ActionInput& in) {
  std::string arn = Param(in, "PolicySourceArn");
  return arn.empty() ? "*" : arn;
}

constexpr ActionEntry kEntries[] = {
    {"CreatePolicy", "iam:CreatePolicy", PolicyFromName},
    {"ListUsers", "iam:ListUsers", AnyResource},
    {"ListRoles", "iam:ListRoles", AnyResource},
    {"ListGroups", "iam:ListGroups", AnyResource},
    {"ListPolicies", "iam:ListPolicies", AnyResource},
    {"ListInstanceProfiles", "iam:ListInstanceProfiles", AnyResource},
    {"GetAccountAuthorizationDetails", "iam:GetAccountAuthorizationDetails", AnyResource},
    {"GetAccountSummary", "iam:GetAccountSummary", AnyResource},
    {"SimulatePrincipalPolicy", "iam:SimulatePrincipalPolicy", SimulationSource},
    {"SimulateCustomPolicy", "iam:SimulateCustomPolicy", AnyResource},
};

}  // namespace

const ServiceActionTable& IamActions() {
  static const ServiceActionTable kTable{"iam", "iam", kEntries, IamResource};
  return kTable;
}

}  // namespace nimbus::iam
