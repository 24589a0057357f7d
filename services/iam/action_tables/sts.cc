// STS operations → IAM actions. GetCallerIdentity and GetSessionToken need no permission.
#include "services/iam/action_tables/action_table.h"

namespace nimbus::iam {
namespace {

std::string RoleArnParam(const ActionInput& in) {
  std::string arn = Param(in, "RoleArn");
  return arn.empty() ? "*" : arn;
}

constexpr ActionEntry kEntries[] = {
    {"AssumeRole", "sts:AssumeRole", RoleArnParam},
    {"AssumeRoleWithWebIdentity", "sts:AssumeRoleWithWebIdentity", RoleArnParam},
    {"AssumeRoleWithSAML", "sts:AssumeRoleWithSAML", RoleArnParam},
    {"GetCallerIdentity", "", AnyResource},
    {"GetSessionToken", "", AnyResource},
    {"GetAccessKeyInfo", "sts:GetAccessKeyInfo", AnyResource},
    {"DecodeAuthorizationMessage", "sts:DecodeAuthorizationMessage", AnyResource},
};

}  // namespace

const ServiceActionTable& StsActions() {
  static const ServiceActionTable kTable{"sts", "sts", kEntries, AnyResource};
  return kTable;
}

}  // namespace nimbus::iam
