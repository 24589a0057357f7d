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
  for (const char* param : {"PolicyArn", "OpenIDConnectProviderArn", "SAMLProviderArn"}) {
    std::string arn = Param(in, param);
    if (!arn.empty()) {
      return arn;
    }
  }
  // AWS: MFA assignment calls act on the user; the others on the device.
  for (auto [param, type] : {std::pair{"RoleName", "role"}, std::pair{"UserName", "user"},
                             std::pair{"GroupName", "group"},
                             std::pair{"InstanceProfileName", "instance-profile"},
                             std::pair{"ServerCertificateName", "server-certificate"}}) {
    std::string r = Entity(in, param, type);
    if (!r.empty()) {
      return r;
    }
  }
  std::string serial = Param(in, "SerialNumber");
  if (serial.rfind("arn:", 0) == 0) {
    return serial;
  }
  return "*";
}

// Create* calls name the new entity's ARN.
std::string OidcProviderFromUrl(const ActionInput& in) {
  std::string url = Param(in, "Url");
  std::string id = url.rfind("https://", 0) == 0 ? url.substr(8) : url;
  while (!id.empty() && id.back() == '/') {
    id.pop_back();
  }
  return "arn:aws:iam::" + in.scope.account_id + ":oidc-provider/" + id;
}
std::string SamlProviderFromName(const ActionInput& in) {
  return "arn:aws:iam::" + in.scope.account_id + ":saml-provider/" + Param(in, "Name");
}
std::string MfaFromName(const ActionInput& in) {
  std::string path = Param(in, "Path");
  return "arn:aws:iam::" + in.scope.account_id + ":mfa" + (path.empty() ? "/" : path) +
         Param(in, "VirtualMFADeviceName");
}
std::string ServerCertificateFromName(const ActionInput& in) {
  std::string path = Param(in, "Path");
  return "arn:aws:iam::" + in.scope.account_id + ":server-certificate" +
         (path.empty() ? "/" : path) + Param(in, "ServerCertificateName");
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
    {"CreateOpenIDConnectProvider", "iam:CreateOpenIDConnectProvider", OidcProviderFromUrl},
    {"ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviders", AnyResource},
    {"CreateSAMLProvider", "iam:CreateSAMLProvider", SamlProviderFromName},
    {"ListSAMLProviders", "iam:ListSAMLProviders", AnyResource},
    {"CreateVirtualMFADevice", "iam:CreateVirtualMFADevice", MfaFromName},
    {"ListVirtualMFADevices", "iam:ListVirtualMFADevices", AnyResource},
    {"UploadServerCertificate", "iam:UploadServerCertificate", ServerCertificateFromName},
    {"ListServerCertificates", "iam:ListServerCertificates", AnyResource},
    {"GetContextKeysForPrincipalPolicy", "iam:GetContextKeysForPrincipalPolicy",
     SimulationSource},
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
