#pragma once

#include <memory>

#include "services/common/service.h"
#include "services/iam/iam_state.h"

namespace nimbus::iam {

// AWS Identity and Access Management: users, groups, roles, managed and inline policies,
// access keys, instance profiles, tags, reports and policy simulation; OIDC and SAML identity
// providers, the password policy, MFA devices, certificates, SSH keys and service-specific
// credentials, the credential report. IAM is global: every call works in the caller's account
// whatever region it signs for. Handlers run on the IAM strand, which also owns the state STS
// and the edge's access control read.
class IamService final : public Service {
 public:
  explicit IamService(std::shared_ptr<IamState> state) : state_(std::move(state)) {}
  std::string_view Name() const override { return "iam"; }
  void Register(OperationTable& table) override;
  void Start(const ServiceEnv& env) override;
  void Reset() override;

  // Users and groups (iam_users.cc).
  Result<Output> CreateUser(RequestContext& ctx, ParamReader& in);
  Result<Output> GetUser(RequestContext& ctx, ParamReader& in);
  Result<Output> ListUsers(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateUser(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteUser(RequestContext& ctx, ParamReader& in);
  Result<Output> TagUser(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagUser(RequestContext& ctx, ParamReader& in);
  Result<Output> ListUserTags(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> GetGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> ListGroups(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> AddUserToGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> RemoveUserFromGroup(RequestContext& ctx, ParamReader& in);
  Result<Output> ListGroupsForUser(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateAccessKey(RequestContext& ctx, ParamReader& in);
  Result<Output> ListAccessKeys(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateAccessKey(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteAccessKey(RequestContext& ctx, ParamReader& in);
  Result<Output> GetAccessKeyLastUsed(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateLoginProfile(RequestContext& ctx, ParamReader& in);
  Result<Output> GetLoginProfile(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateLoginProfile(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteLoginProfile(RequestContext& ctx, ParamReader& in);

  // Roles and instance profiles (iam_roles.cc).
  Result<Output> CreateRole(RequestContext& ctx, ParamReader& in);
  Result<Output> GetRole(RequestContext& ctx, ParamReader& in);
  Result<Output> ListRoles(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateRole(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateRoleDescription(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateAssumeRolePolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteRole(RequestContext& ctx, ParamReader& in);
  Result<Output> TagRole(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagRole(RequestContext& ctx, ParamReader& in);
  Result<Output> ListRoleTags(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateServiceLinkedRole(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteServiceLinkedRole(RequestContext& ctx, ParamReader& in);
  Result<Output> GetServiceLinkedRoleDeletionStatus(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateInstanceProfile(RequestContext& ctx, ParamReader& in);
  Result<Output> GetInstanceProfile(RequestContext& ctx, ParamReader& in);
  Result<Output> ListInstanceProfiles(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteInstanceProfile(RequestContext& ctx, ParamReader& in);
  Result<Output> AddRoleToInstanceProfile(RequestContext& ctx, ParamReader& in);
  Result<Output> RemoveRoleFromInstanceProfile(RequestContext& ctx, ParamReader& in);
  Result<Output> ListInstanceProfilesForRole(RequestContext& ctx, ParamReader& in);
  Result<Output> TagInstanceProfile(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagInstanceProfile(RequestContext& ctx, ParamReader& in);
  Result<Output> ListInstanceProfileTags(RequestContext& ctx, ParamReader& in);

  // Managed and inline policies, attachments, boundaries (iam_policies.cc).
  Result<Output> CreatePolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> GetPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> ListPolicies(RequestContext& ctx, ParamReader& in);
  Result<Output> DeletePolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> CreatePolicyVersion(RequestContext& ctx, ParamReader& in);
  Result<Output> GetPolicyVersion(RequestContext& ctx, ParamReader& in);
  Result<Output> ListPolicyVersions(RequestContext& ctx, ParamReader& in);
  Result<Output> DeletePolicyVersion(RequestContext& ctx, ParamReader& in);
  Result<Output> SetDefaultPolicyVersion(RequestContext& ctx, ParamReader& in);
  Result<Output> TagPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> ListPolicyTags(RequestContext& ctx, ParamReader& in);
  Result<Output> AttachUserPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> AttachGroupPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> AttachRolePolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DetachUserPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DetachGroupPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DetachRolePolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> ListAttachedUserPolicies(RequestContext& ctx, ParamReader& in);
  Result<Output> ListAttachedGroupPolicies(RequestContext& ctx, ParamReader& in);
  Result<Output> ListAttachedRolePolicies(RequestContext& ctx, ParamReader& in);
  Result<Output> PutUserPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> PutGroupPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> PutRolePolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> GetUserPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> GetGroupPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> GetRolePolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteUserPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteGroupPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteRolePolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> ListUserPolicies(RequestContext& ctx, ParamReader& in);
  Result<Output> ListGroupPolicies(RequestContext& ctx, ParamReader& in);
  Result<Output> ListRolePolicies(RequestContext& ctx, ParamReader& in);
  Result<Output> PutUserPermissionsBoundary(RequestContext& ctx, ParamReader& in);
  Result<Output> PutRolePermissionsBoundary(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteUserPermissionsBoundary(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteRolePermissionsBoundary(RequestContext& ctx, ParamReader& in);

  // Account-wide reports and simulation (iam_reports.cc).
  Result<Output> GetAccountAuthorizationDetails(RequestContext& ctx, ParamReader& in);
  Result<Output> ListEntitiesForPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> GetAccountSummary(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateAccountAlias(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteAccountAlias(RequestContext& ctx, ParamReader& in);
  Result<Output> ListAccountAliases(RequestContext& ctx, ParamReader& in);
  Result<Output> SimulatePrincipalPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> SimulateCustomPolicy(RequestContext& ctx, ParamReader& in);

  // OpenID Connect and SAML identity providers (iam_federation.cc).
  Result<Output> CreateOpenIDConnectProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> GetOpenIDConnectProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> ListOpenIDConnectProviders(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteOpenIDConnectProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> AddClientIDToOpenIDConnectProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> RemoveClientIDFromOpenIDConnectProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateOpenIDConnectProviderThumbprint(RequestContext& ctx, ParamReader& in);
  Result<Output> TagOpenIDConnectProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagOpenIDConnectProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> ListOpenIDConnectProviderTags(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateSAMLProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> GetSAMLProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> ListSAMLProviders(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateSAMLProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteSAMLProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> TagSAMLProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagSAMLProvider(RequestContext& ctx, ParamReader& in);
  Result<Output> ListSAMLProviderTags(RequestContext& ctx, ParamReader& in);

  // The account password policy and ChangePassword (iam_passwords.cc).
  Result<Output> GetAccountPasswordPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateAccountPasswordPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteAccountPasswordPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> ChangePassword(RequestContext& ctx, ParamReader& in);
  // Virtual MFA devices (iam_mfa.cc).
  Result<Output> CreateVirtualMFADevice(RequestContext& ctx, ParamReader& in);
  Result<Output> EnableMFADevice(RequestContext& ctx, ParamReader& in);
  Result<Output> DeactivateMFADevice(RequestContext& ctx, ParamReader& in);
  Result<Output> ResyncMFADevice(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteVirtualMFADevice(RequestContext& ctx, ParamReader& in);
  Result<Output> ListMFADevices(RequestContext& ctx, ParamReader& in);
  Result<Output> ListVirtualMFADevices(RequestContext& ctx, ParamReader& in);
  Result<Output> GetMFADevice(RequestContext& ctx, ParamReader& in);
  Result<Output> TagMFADevice(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagMFADevice(RequestContext& ctx, ParamReader& in);
  Result<Output> ListMFADeviceTags(RequestContext& ctx, ParamReader& in);

  // Server and signing certificates, SSH keys, service-specific credentials
  // (iam_certificates.cc).
  Result<Output> UploadServerCertificate(RequestContext& ctx, ParamReader& in);
  Result<Output> GetServerCertificate(RequestContext& ctx, ParamReader& in);
  Result<Output> ListServerCertificates(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateServerCertificate(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteServerCertificate(RequestContext& ctx, ParamReader& in);
  Result<Output> TagServerCertificate(RequestContext& ctx, ParamReader& in);
  Result<Output> UntagServerCertificate(RequestContext& ctx, ParamReader& in);
  Result<Output> ListServerCertificateTags(RequestContext& ctx, ParamReader& in);
  Result<Output> UploadSigningCertificate(RequestContext& ctx, ParamReader& in);
  Result<Output> ListSigningCertificates(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateSigningCertificate(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteSigningCertificate(RequestContext& ctx, ParamReader& in);
  Result<Output> UploadSSHPublicKey(RequestContext& ctx, ParamReader& in);
  Result<Output> GetSSHPublicKey(RequestContext& ctx, ParamReader& in);
  Result<Output> ListSSHPublicKeys(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateSSHPublicKey(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteSSHPublicKey(RequestContext& ctx, ParamReader& in);
  Result<Output> CreateServiceSpecificCredential(RequestContext& ctx, ParamReader& in);
  Result<Output> ListServiceSpecificCredentials(RequestContext& ctx, ParamReader& in);
  Result<Output> ResetServiceSpecificCredential(RequestContext& ctx, ParamReader& in);
  Result<Output> UpdateServiceSpecificCredential(RequestContext& ctx, ParamReader& in);
  Result<Output> DeleteServiceSpecificCredential(RequestContext& ctx, ParamReader& in);

  // Credential report and policy context keys (iam_credential_report.cc).
  Result<Output> GenerateCredentialReport(RequestContext& ctx, ParamReader& in);
  Result<Output> GetCredentialReport(RequestContext& ctx, ParamReader& in);
  Result<Output> GetContextKeysForCustomPolicy(RequestContext& ctx, ParamReader& in);
  Result<Output> GetContextKeysForPrincipalPolicy(RequestContext& ctx, ParamReader& in);

  // Service access, STS preferences, Organizations features (iam_service_access.cc).
  Result<Output> ListPoliciesGrantingServiceAccess(RequestContext& ctx, ParamReader& in);
  Result<Output> SetSecurityTokenServicePreferences(RequestContext& ctx, ParamReader& in);
  Result<Output> ListOrganizationsFeatures(RequestContext& ctx, ParamReader& in);
  Result<Output> EnableOrganizationsRootCredentialsManagement(RequestContext& ctx, ParamReader& in);
  Result<Output> DisableOrganizationsRootCredentialsManagement(RequestContext& ctx, ParamReader& in);
  Result<Output> EnableOrganizationsRootSessions(RequestContext& ctx, ParamReader& in);
  Result<Output> DisableOrganizationsRootSessions(RequestContext& ctx, ParamReader& in);

 private:
  void RegisterFederation(OperationTable& t);
  void RegisterCredentials(OperationTable& t);
  IamStore& store() { return state_->store(); }
  double Now(const RequestContext& ctx) const { return ctx.clock->NowSeconds(); }

  std::shared_ptr<IamState> state_;
};

}  // namespace nimbus::iam
