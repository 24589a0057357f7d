#include "services/iam/iam_service.h"

namespace nimbus::iam {

void IamService::Register(OperationTable& t) {
  t.Add("AddRoleToInstanceProfile", this, &IamService::AddRoleToInstanceProfile);
  t.Add("AddUserToGroup", this, &IamService::AddUserToGroup);
  t.Add("AttachGroupPolicy", this, &IamService::AttachGroupPolicy);
  t.Add("AttachRolePolicy", this, &IamService::AttachRolePolicy);
  t.Add("AttachUserPolicy", this, &IamService::AttachUserPolicy);
  t.Add("CreateAccessKey", this, &IamService::CreateAccessKey);
  t.Add("CreateAccountAlias", this, &IamService::CreateAccountAlias);
  t.Add("CreateGroup", this, &IamService::CreateGroup);
  t.Add("CreateInstanceProfile", this, &IamService::CreateInstanceProfile);
  t.Add("CreateLoginProfile", this, &IamService::CreateLoginProfile);
  t.Add("CreatePolicy", this, &IamService::CreatePolicy);
  t.Add("CreatePolicyVersion", this, &IamService::CreatePolicyVersion);
  t.Add("CreateRole", this, &IamService::CreateRole);
  t.Add("CreateServiceLinkedRole", this, &IamService::CreateServiceLinkedRole);
  t.Add("CreateUser", this, &IamService::CreateUser);
  t.Add("DeleteAccessKey", this, &IamService::DeleteAccessKey);
  t.Add("DeleteAccountAlias", this, &IamService::DeleteAccountAlias);
  t.Add("DeleteGroup", this, &IamService::DeleteGroup);
  t.Add("DeleteGroupPolicy", this, &IamService::DeleteGroupPolicy);
  t.Add("DeleteInstanceProfile", this, &IamService::DeleteInstanceProfile);
  t.Add("DeleteLoginProfile", this, &IamService::DeleteLoginProfile);
  t.Add("DeletePolicy", this, &IamService::DeletePolicy);
  t.Add("DeletePolicyVersion", this, &IamService::DeletePolicyVersion);
  t.Add("DeleteRole", this, &IamService::DeleteRole);
  t.Add("DeleteRolePermissionsBoundary", this, &IamService::DeleteRolePermissionsBoundary);
  t.Add("DeleteRolePolicy", this, &IamService::DeleteRolePolicy);
  t.Add("DeleteServiceLinkedRole", this, &IamService::DeleteServiceLinkedRole);
  t.Add("DeleteUser", this, &IamService::DeleteUser);
  t.Add("DeleteUserPermissionsBoundary", this, &IamService::DeleteUserPermissionsBoundary);
  t.Add("DeleteUserPolicy", this, &IamService::DeleteUserPolicy);
  t.Add("DetachGroupPolicy", this, &IamService::DetachGroupPolicy);
  t.Add("DetachRolePolicy", this, &IamService::DetachRolePolicy);
  t.Add("DetachUserPolicy", this, &IamService::DetachUserPolicy);
  t.Add("GetAccessKeyLastUsed", this, &IamService::GetAccessKeyLastUsed);
  t.Add("GetAccountAuthorizationDetails", this, &IamService::GetAccountAuthorizationDetails);
  t.Add("GetAccountSummary", this, &IamService::GetAccountSummary);
  t.Add("GetGroup", this, &IamService::GetGroup);
  t.Add("GetGroupPolicy", this, &IamService::GetGroupPolicy);
  t.Add("GetInstanceProfile", this, &IamService::GetInstanceProfile);
  t.Add("GetLoginProfile", this, &IamService::GetLoginProfile);
  t.Add("GetPolicy", this, &IamService::GetPolicy);
  t.Add("GetPolicyVersion", this, &IamService::GetPolicyVersion);
  t.Add("GetRole", this, &IamService::GetRole);
  t.Add("GetRolePolicy", this, &IamService::GetRolePolicy);
  t.Add("GetServiceLinkedRoleDeletionStatus", this,
        &IamService::GetServiceLinkedRoleDeletionStatus);
  t.Add("GetUser", this, &IamService::GetUser);
  t.Add("GetUserPolicy", this, &IamService::GetUserPolicy);
  t.Add("ListAccessKeys", this, &IamService::ListAccessKeys);
  t.Add("ListAccountAliases", this, &IamService::ListAccountAliases);
  t.Add("ListAttachedGroupPolicies", this, &IamService::ListAttachedGroupPolicies);
  t.Add("ListAttachedRolePolicies", this, &IamService::ListAttachedRolePolicies);
  t.Add("ListAttachedUserPolicies", this, &IamService::ListAttachedUserPolicies);
  t.Add("ListEntitiesForPolicy", this, &IamService::ListEntitiesForPolicy);
  t.Add("ListGroupPolicies", this, &IamService::ListGroupPolicies);
  t.Add("ListGroups", this, &IamService::ListGroups);
  t.Add("ListGroupsForUser", this, &IamService::ListGroupsForUser);
  t.Add("ListInstanceProfileTags", this, &IamService::ListInstanceProfileTags);
  t.Add("ListInstanceProfiles", this, &IamService::ListInstanceProfiles);
  t.Add("ListInstanceProfilesForRole", this, &IamService::ListInstanceProfilesForRole);
  t.Add("ListPolicies", this, &IamService::ListPolicies);
  t.Add("ListPolicyTags", this, &IamService::ListPolicyTags);
  t.Add("ListPolicyVersions", this, &IamService::ListPolicyVersions);
  t.Add("ListRolePolicies", this, &IamService::ListRolePolicies);
  t.Add("ListRoleTags", this, &IamService::ListRoleTags);
  t.Add("ListRoles", this, &IamService::ListRoles);
  t.Add("ListUserPolicies", this, &IamService::ListUserPolicies);
  t.Add("ListUserTags", this, &IamService::ListUserTags);
  t.Add("ListUsers", this, &IamService::ListUsers);
  t.Add("PutGroupPolicy", this, &IamService::PutGroupPolicy);
  t.Add("PutRolePermissionsBoundary", this, &IamService::PutRolePermissionsBoundary);
  t.Add("PutRolePolicy", this, &IamService::PutRolePolicy);
  t.Add("PutUserPermissionsBoundary", this, &IamService::PutUserPermissionsBoundary);
  t.Add("PutUserPolicy", this, &IamService::PutUserPolicy);
  t.Add("RemoveRoleFromInstanceProfile", this, &IamService::RemoveRoleFromInstanceProfile);
  t.Add("RemoveUserFromGroup", this, &IamService::RemoveUserFromGroup);
  t.Add("SetDefaultPolicyVersion", this, &IamService::SetDefaultPolicyVersion);
  t.Add("SimulateCustomPolicy", this, &IamService::SimulateCustomPolicy);
  t.Add("SimulatePrincipalPolicy", this, &IamService::SimulatePrincipalPolicy);
  t.Add("TagInstanceProfile", this, &IamService::TagInstanceProfile);
  t.Add("TagPolicy", this, &IamService::TagPolicy);
  t.Add("TagRole", this, &IamService::TagRole);
  t.Add("TagUser", this, &IamService::TagUser);
  t.Add("UntagInstanceProfile", this, &IamService::UntagInstanceProfile);
  t.Add("UntagPolicy", this, &IamService::UntagPolicy);
  t.Add("UntagRole", this, &IamService::UntagRole);
  t.Add("UntagUser", this, &IamService::UntagUser);
  t.Add("UpdateAccessKey", this, &IamService::UpdateAccessKey);
  t.Add("UpdateAssumeRolePolicy", this, &IamService::UpdateAssumeRolePolicy);
  t.Add("UpdateGroup", this, &IamService::UpdateGroup);
  t.Add("UpdateLoginProfile", this, &IamService::UpdateLoginProfile);
  t.Add("UpdateRole", this, &IamService::UpdateRole);
  t.Add("UpdateRoleDescription", this, &IamService::UpdateRoleDescription);
  t.Add("UpdateUser", this, &IamService::UpdateUser);
  RegisterFederation(t);
  RegisterCredentials(t);
}

void IamService::RegisterFederation(OperationTable& t) {
  t.Add("CreateOpenIDConnectProvider", this, &IamService::CreateOpenIDConnectProvider);
  t.Add("GetOpenIDConnectProvider", this, &IamService::GetOpenIDConnectProvider);
  t.Add("ListOpenIDConnectProviders", this, &IamService::ListOpenIDConnectProviders);
  t.Add("DeleteOpenIDConnectProvider", this, &IamService::DeleteOpenIDConnectProvider);
  t.Add("AddClientIDToOpenIDConnectProvider", this, &IamService::AddClientIDToOpenIDConnectProvider);
  t.Add("RemoveClientIDFromOpenIDConnectProvider", this, &IamService::RemoveClientIDFromOpenIDConnectProvider);
  t.Add("UpdateOpenIDConnectProviderThumbprint", this, &IamService::UpdateOpenIDConnectProviderThumbprint);
  t.Add("TagOpenIDConnectProvider", this, &IamService::TagOpenIDConnectProvider);
  t.Add("UntagOpenIDConnectProvider", this, &IamService::UntagOpenIDConnectProvider);
  t.Add("ListOpenIDConnectProviderTags", this, &IamService::ListOpenIDConnectProviderTags);
  t.Add("CreateSAMLProvider", this, &IamService::CreateSAMLProvider);
  t.Add("GetSAMLProvider", this, &IamService::GetSAMLProvider);
  t.Add("ListSAMLProviders", this, &IamService::ListSAMLProviders);
  t.Add("UpdateSAMLProvider", this, &IamService::UpdateSAMLProvider);
  t.Add("DeleteSAMLProvider", this, &IamService::DeleteSAMLProvider);
  t.Add("TagSAMLProvider", this, &IamService::TagSAMLProvider);
  t.Add("UntagSAMLProvider", this, &IamService::UntagSAMLProvider);
  t.Add("ListSAMLProviderTags", this, &IamService::ListSAMLProviderTags);
}

void IamService::Start(const ServiceEnv& env) { state_->Start(env); }

void IamService::Reset() { store().Reset(); }

void IamService::RegisterCredentials(OperationTable& t) {
  t.Add("ListPoliciesGrantingServiceAccess", this, &IamService::ListPoliciesGrantingServiceAccess);
  t.Add("SetSecurityTokenServicePreferences", this, &IamService::SetSecurityTokenServicePreferences);
  t.Add("ListOrganizationsFeatures", this, &IamService::ListOrganizationsFeatures);
  t.Add("EnableOrganizationsRootCredentialsManagement", this, &IamService::EnableOrganizationsRootCredentialsManagement);
  t.Add("DisableOrganizationsRootCredentialsManagement", this, &IamService::DisableOrganizationsRootCredentialsManagement);
  t.Add("EnableOrganizationsRootSessions", this, &IamService::EnableOrganizationsRootSessions);
  t.Add("DisableOrganizationsRootSessions", this, &IamService::DisableOrganizationsRootSessions);
  t.Add("GenerateCredentialReport", this, &IamService::GenerateCredentialReport);
  t.Add("GetCredentialReport", this, &IamService::GetCredentialReport);
  t.Add("GetContextKeysForCustomPolicy", this, &IamService::GetContextKeysForCustomPolicy);
  t.Add("GetContextKeysForPrincipalPolicy", this, &IamService::GetContextKeysForPrincipalPolicy);
  t.Add("UploadServerCertificate", this, &IamService::UploadServerCertificate);
  t.Add("GetServerCertificate", this, &IamService::GetServerCertificate);
  t.Add("ListServerCertificates", this, &IamService::ListServerCertificates);
  t.Add("UpdateServerCertificate", this, &IamService::UpdateServerCertificate);
  t.Add("DeleteServerCertificate", this, &IamService::DeleteServerCertificate);
  t.Add("TagServerCertificate", this, &IamService::TagServerCertificate);
  t.Add("UntagServerCertificate", this, &IamService::UntagServerCertificate);
  t.Add("ListServerCertificateTags", this, &IamService::ListServerCertificateTags);
  t.Add("UploadSigningCertificate", this, &IamService::UploadSigningCertificate);
  t.Add("ListSigningCertificates", this, &IamService::ListSigningCertificates);
  t.Add("UpdateSigningCertificate", this, &IamService::UpdateSigningCertificate);
  t.Add("DeleteSigningCertificate", this, &IamService::DeleteSigningCertificate);
  t.Add("UploadSSHPublicKey", this, &IamService::UploadSSHPublicKey);
  t.Add("GetSSHPublicKey", this, &IamService::GetSSHPublicKey);
  t.Add("ListSSHPublicKeys", this, &IamService::ListSSHPublicKeys);
  t.Add("UpdateSSHPublicKey", this, &IamService::UpdateSSHPublicKey);
  t.Add("DeleteSSHPublicKey", this, &IamService::DeleteSSHPublicKey);
  t.Add("CreateServiceSpecificCredential", this, &IamService::CreateServiceSpecificCredential);
  t.Add("ListServiceSpecificCredentials", this, &IamService::ListServiceSpecificCredentials);
  t.Add("ResetServiceSpecificCredential", this, &IamService::ResetServiceSpecificCredential);
  t.Add("UpdateServiceSpecificCredential", this, &IamService::UpdateServiceSpecificCredential);
  t.Add("DeleteServiceSpecificCredential", this, &IamService::DeleteServiceSpecificCredential);
  t.Add("GetAccountPasswordPolicy", this, &IamService::GetAccountPasswordPolicy);
  t.Add("UpdateAccountPasswordPolicy", this, &IamService::UpdateAccountPasswordPolicy);
  t.Add("DeleteAccountPasswordPolicy", this, &IamService::DeleteAccountPasswordPolicy);
  t.Add("ChangePassword", this, &IamService::ChangePassword);
  t.Add("CreateVirtualMFADevice", this, &IamService::CreateVirtualMFADevice);
  t.Add("EnableMFADevice", this, &IamService::EnableMFADevice);
  t.Add("DeactivateMFADevice", this, &IamService::DeactivateMFADevice);
  t.Add("ResyncMFADevice", this, &IamService::ResyncMFADevice);
  t.Add("DeleteVirtualMFADevice", this, &IamService::DeleteVirtualMFADevice);
  t.Add("ListMFADevices", this, &IamService::ListMFADevices);
  t.Add("ListVirtualMFADevices", this, &IamService::ListVirtualMFADevices);
  t.Add("GetMFADevice", this, &IamService::GetMFADevice);
  t.Add("TagMFADevice", this, &IamService::TagMFADevice);
  t.Add("UntagMFADevice", this, &IamService::UntagMFADevice);
  t.Add("ListMFADeviceTags", this, &IamService::ListMFADeviceTags);
}

}  // namespace nimbus::iam
