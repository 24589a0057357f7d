// IAM roles, service-linked roles and instance profiles.
#include "services/common/ids.h"
#include "services/iam/iam_internal.h"
#include "services/iam/iam_service.h"
#include "services/iam/policy/policy_document.h"

namespace nimbus::iam {
namespace {

constexpr int64_t kDefaultMaxSession = 3600;

Output Wrap(const char* member, rapidjson::Value v, Output out = Output(rapidjson::kObjectType)) {
  out.AddMember(rapidjson::StringRef(member), std::move(v), out.GetAllocator());
  return out;
}

std::optional<AwsError> CheckMaxSession(int64_t v) {
  if (v < 3600 || v > 43200) {
    return errors::ValidationField(std::to_string(v), "maxSessionDuration",
                                   "Member must have value less than or equal to 43200");
  }
  return std::nullopt;
}

rapidjson::Value RoleOut(const rapidjson::Value& role, Alloc& a, bool list_form) {
  rapidjson::Value r = PublicCopy(role, a);
  if (list_form) {
    // AWS: ListRoles leaves out tags, boundaries and last-used data.
    r.RemoveMember("Tags");
    r.RemoveMember("PermissionsBoundary");
    r.RemoveMember("RoleLastUsed");
  }
  return r;
}

// The instance profile and role that AddRoleToInstanceProfile and
// RemoveRoleFromInstanceProfile name.
struct ProfileAndRole {
  std::string name;  // the profile, as requested
  std::string role_name;
  rapidjson::Document* profile;
  std::string canonical_role;  // as stored
};
Result<ProfileAndRole> FindProfileAndRole(IamStore& s, const std::string& account,
                                          ParamReader& in) {
  std::string name = in.String("InstanceProfileName");
  std::string role_name = in.String("RoleName");
  auto* profile = FindNamed(s, account, Kind::kInstanceProfile, name);
  if (profile == nullptr) {
    return errors::NoSuchInstanceProfile(name);
  }
  auto role = RequireRole(s, account, role_name);
  if (!role) {
    return role.error();
  }
  return ProfileAndRole{name, role_name, profile, StringMember(**role, "RoleName")};
}

}  // namespace

rapidjson::Value InstanceProfileOut(IamStore& store, const std::string& account,
                                    const rapidjson::Value& profile, Alloc& a) {
  rapidjson::Value out = PublicCopy(profile, a);
  rapidjson::Value roles(rapidjson::kArrayType);
  if (profile.HasMember("_roles")) {
    for (const auto& name : profile["_roles"].GetArray()) {
      if (auto* role = store.Find(account, Kind::kRole, KeyOf(name.GetString()))) {
        roles.PushBack(RoleOut(*role, a, true), a);
      }
    }
  }
  out.AddMember("Roles", std::move(roles), a);
  return out;
}

Result<Output> IamService::CreateRole(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("RoleName");
  std::string path = in.String("Path", "/");
  std::string trust = in.String("AssumeRolePolicyDocument");
  auto description = in.OptString("Description");
  int64_t max_session = in.Int("MaxSessionDuration", kDefaultMaxSession);
  std::string boundary = in.String("PermissionsBoundary");
  if (in.error()) {
    return *in.error();
  }
  if (auto e = CheckName(name, "roleName", 64)) {
    return *e;
  }
  if (auto e = CheckPath(path, "path")) {
    return *e;
  }
  if (auto e = CheckMaxSession(max_session)) {
    return *e;
  }
  if (auto doc = ParsePolicy(trust, PolicyKind::kTrust); !doc) {
    return doc.error();
  }
  const std::string& account = ctx.scope.account_id;
  if (FindNamed(store(), account, Kind::kRole, name)) {
    return errors::EntityAlreadyExists("Role with name " + name + " already exists.");
  }
  if (!boundary.empty() && state_->ManagedPolicyDocument(account, boundary).empty()) {
    return errors::InvalidInput("ARN " + boundary + " is not valid.");
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("Path", Str(path, a), a);
  d.AddMember("RoleName", Str(name, a), a);
  d.AddMember("RoleId", Str(NewUniqueId("AROA"), a), a);
  d.AddMember("Arn", Str(RoleArn(account, path, name), a), a);
  d.AddMember("CreateDate", Str(NowIso(Now(ctx)), a), a);
  d.AddMember("AssumeRolePolicyDocument", Str(trust, a), a);
  if (description) {
    d.AddMember("Description", Str(*description, a), a);
  }
  d.AddMember("MaxSessionDuration", max_session, a);
  if (!boundary.empty()) {
    d.AddMember("PermissionsBoundary", BoundaryValue(boundary, a), a);
  }
  if (auto e = MergeTags(d, in.Value("Tags"), a)) {
    return *e;
  }
  d.AddMember("RoleLastUsed", rapidjson::Value(rapidjson::kObjectType), a);
  auto& stored = store().Put(account, Kind::kRole, KeyOf(name), std::move(d));
  Output out(rapidjson::kObjectType);
  rapidjson::Value r = RoleOut(stored, out.GetAllocator(), false);
  r.RemoveMember("RoleLastUsed");
  return Wrap("Role", std::move(r), std::move(out));
}

Result<Output> IamService::GetRole(RequestContext& ctx, ParamReader& in) {
  auto role = RequireRole(store(), ctx.scope.account_id, in.String("RoleName"));
  if (!role) {
    return role.error();
  }
  Output out(rapidjson::kObjectType);
  rapidjson::Value r = RoleOut(**role, out.GetAllocator(), false);
  return Wrap("Role", std::move(r), std::move(out));
}

Result<Output> IamService::ListRoles(RequestContext& ctx, ParamReader& in) {
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  auto all = Listing(store(), ctx.scope.account_id, Kind::kRole, in.String("PathPrefix", "/"));
  return PageOut(all, page, "Roles",
                 [](const rapidjson::Value& doc, Alloc& a) { return RoleOut(doc, a, true); });
}

Result<Output> IamService::UpdateRole(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("RoleName");
  auto role = RequireRole(store(), ctx.scope.account_id, name);
  if (!role) {
    return role.error();
  }
  auto& a = (*role)->GetAllocator();
  if (auto max = in.OptInt("MaxSessionDuration")) {
    if (auto e = CheckMaxSession(*max)) {
      return *e;
    }
    (**role)["MaxSessionDuration"] = *max;
  }
  if (auto description = in.OptString("Description")) {
    (*role)->RemoveMember("Description");
    (*role)->AddMember("Description", Str(*description, a), a);
  }
  store().Save(ctx.scope.account_id, Kind::kRole, KeyOf(name));
  return EmptyOutput();
}

Result<Output> IamService::UpdateRoleDescription(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("RoleName");
  auto role = RequireRole(store(), ctx.scope.account_id, name);
  if (!role) {
    return role.error();
  }
  auto& a = (*role)->GetAllocator();
  (*role)->RemoveMember("Description");
  (*role)->AddMember("Description", Str(in.String("Description"), a), a);
  store().Save(ctx.scope.account_id, Kind::kRole, KeyOf(name));
  Output out(rapidjson::kObjectType);
  rapidjson::Value wrapped = RoleOut(**role, out.GetAllocator(), false);
  return Wrap("Role", std::move(wrapped), std::move(out));
}

Result<Output> IamService::UpdateAssumeRolePolicy(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("RoleName");
  std::string trust = in.String("PolicyDocument");
  auto role = RequireRole(store(), ctx.scope.account_id, name);
  if (!role) {
    return role.error();
  }
  if (auto doc = ParsePolicy(trust, PolicyKind::kTrust); !doc) {
    return doc.error();
  }
  if ((*role)->HasMember("_service_linked")) {
    return errors::Unmodifiable("Cannot perform the operation on the protected role '" + name +
                                "' - this role is only modifiable by AWS");
  }
  (**role)["AssumeRolePolicyDocument"] = Str(trust, (*role)->GetAllocator());
  store().Save(ctx.scope.account_id, Kind::kRole, KeyOf(name));
  return EmptyOutput();
}

Result<Output> IamService::DeleteRole(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("RoleName");
  const std::string& account = ctx.scope.account_id;
  auto role = RequireRole(store(), account, name);
  if (!role) {
    return role.error();
  }
  const auto& r = **role;
  if (r.HasMember("_service_linked")) {
    return errors::Unmodifiable("Cannot perform the operation on the protected role '" + name +
                                "' - this role is only modifiable by AWS");
  }
  if (auto e = PoliciesStillHeld(r)) {
    return *e;
  }
  for (const auto& [key, profile] : store().All(account, Kind::kInstanceProfile)) {
    if (profile.HasMember("_roles") && ArrayHas(profile["_roles"], StringMember(r, "RoleName"))) {
      return errors::DeleteConflict(
          "Cannot delete entity, must remove roles from instance profile first.");
    }
  }
  store().Erase(account, Kind::kRole, KeyOf(name));
  return EmptyOutput();
}

Result<Output> IamService::TagRole(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("RoleName");
  auto role = RequireRole(store(), ctx.scope.account_id, name);
  if (!role) {
    return role.error();
  }
  return TagAndSave(store(), ctx.scope.account_id, Kind::kRole, KeyOf(name), **role, in);
}

Result<Output> IamService::UntagRole(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("RoleName");
  auto role = RequireRole(store(), ctx.scope.account_id, name);
  if (!role) {
    return role.error();
  }
  return UntagAndSave(store(), ctx.scope.account_id, Kind::kRole, KeyOf(name), **role, in);
}

Result<Output> IamService::ListRoleTags(RequestContext& ctx, ParamReader& in) {
  auto role = RequireRole(store(), ctx.scope.account_id, in.String("RoleName"));
  if (!role) {
    return role.error();
  }
  return TagsOutput(**role);
}

Result<Output> IamService::CreateServiceLinkedRole(RequestContext& ctx, ParamReader& in) {
  std::string service = in.String("AWSServiceName");
  std::string suffix = in.String("CustomSuffix");
  auto description = in.OptString("Description");
  if (service.find(".amazonaws.com") == std::string::npos) {
    return errors::InvalidInput("Invalid service name " + service + ".");
  }
  // AWS: AWSServiceRoleFor<Service> under /aws-service-role/<service>/, e.g.
  // AWSServiceRoleForLambdaReplicator for replicator.lambda.amazonaws.com.
  std::string prefix = service.substr(0, service.find(".amazonaws.com"));
  std::string title;
  bool upper = true;
  for (char c : prefix) {
    if (c == '.' || c == '-') {
      upper = true;
      continue;
    }
    title += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  std::string name = "AWSServiceRoleFor" + title + (suffix.empty() ? "" : "_" + suffix);
  std::string path = "/aws-service-role/" + service + "/";
  const std::string& account = ctx.scope.account_id;
  if (FindNamed(store(), account, Kind::kRole, name)) {
    return errors::InvalidInput("Service role name " + name +
                                " has been taken in this account, please try a different suffix.");
  }
  std::string trust = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":[")" +
                      service + R"("]},"Action":["sts:AssumeRole"]}]})";
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("Path", Str(path, a), a);
  d.AddMember("RoleName", Str(name, a), a);
  d.AddMember("RoleId", Str(NewUniqueId("AROA"), a), a);
  d.AddMember("Arn", Str(RoleArn(account, path, name), a), a);
  d.AddMember("CreateDate", Str(NowIso(Now(ctx)), a), a);
  d.AddMember("AssumeRolePolicyDocument", Str(trust, a), a);
  if (description) {
    d.AddMember("Description", Str(*description, a), a);
  }
  d.AddMember("MaxSessionDuration", kDefaultMaxSession, a);
  d.AddMember("_service_linked", true, a);
  auto& stored = store().Put(account, Kind::kRole, KeyOf(name), std::move(d));
  Output out(rapidjson::kObjectType);
  rapidjson::Value wrapped = RoleOut(stored, out.GetAllocator(), false);
  return Wrap("Role", std::move(wrapped), std::move(out));
}

Result<Output> IamService::DeleteServiceLinkedRole(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("RoleName");
  const std::string& account = ctx.scope.account_id;
  auto role = RequireRole(store(), account, name);
  if (!role) {
    return role.error();
  }
  if (!(*role)->HasMember("_service_linked")) {
    return errors::InvalidInput("Role " + name + " is not a service-linked role.");
  }
  store().Erase(account, Kind::kRole, KeyOf(name));
  // AWS deletes asynchronously; the task is already done here.
  std::string task = "task/aws-service-role/" + name + "/" + NewUuid();
  Output out(rapidjson::kObjectType);
  out.AddMember("DeletionTaskId", Str(task, out.GetAllocator()), out.GetAllocator());
  return out;
}

Result<Output> IamService::GetServiceLinkedRoleDeletionStatus(RequestContext&, ParamReader& in) {
  std::string task = in.String("DeletionTaskId");
  if (task.rfind("task/", 0) != 0) {
    return errors::InvalidInput("Invalid deletion task id " + task + ".");
  }
  Output out(rapidjson::kObjectType);
  out.AddMember("Status", "SUCCEEDED", out.GetAllocator());
  return out;
}

Result<Output> IamService::CreateInstanceProfile(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("InstanceProfileName");
  std::string path = in.String("Path", "/");
  if (auto e = CheckName(name, "instanceProfileName", 128)) {
    return *e;
  }
  if (auto e = CheckPath(path, "path")) {
    return *e;
  }
  const std::string& account = ctx.scope.account_id;
  if (FindNamed(store(), account, Kind::kInstanceProfile, name)) {
    return errors::EntityAlreadyExists("Instance Profile " + name + " already exists.");
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("Path", Str(path, a), a);
  d.AddMember("InstanceProfileName", Str(name, a), a);
  d.AddMember("InstanceProfileId", Str(NewUniqueId("AIPA"), a), a);
  d.AddMember("Arn", Str("arn:aws:iam::" + account + ":instance-profile" + path + name, a), a);
  d.AddMember("CreateDate", Str(NowIso(Now(ctx)), a), a);
  if (auto e = MergeTags(d, in.Value("Tags"), a)) {
    return *e;
  }
  d.AddMember("_roles", rapidjson::Value(rapidjson::kArrayType), a);
  auto& stored = store().Put(account, Kind::kInstanceProfile, KeyOf(name), std::move(d));
  Output out(rapidjson::kObjectType);
  rapidjson::Value wrapped = InstanceProfileOut(store(), account, stored, out.GetAllocator());
  return Wrap("InstanceProfile", std::move(wrapped), std::move(out));
}

Result<Output> IamService::GetInstanceProfile(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("InstanceProfileName");
  const std::string& account = ctx.scope.account_id;
  auto* profile = FindNamed(store(), account, Kind::kInstanceProfile, name);
  if (profile == nullptr) {
    return errors::NoSuchInstanceProfile(name);
  }
  Output out(rapidjson::kObjectType);
  rapidjson::Value wrapped = InstanceProfileOut(store(), account, *profile, out.GetAllocator());
  return Wrap("InstanceProfile", std::move(wrapped), std::move(out));
}

Result<Output> IamService::ListInstanceProfiles(RequestContext& ctx, ParamReader& in) {
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  const std::string& account = ctx.scope.account_id;
  auto all = Listing(store(), account, Kind::kInstanceProfile, in.String("PathPrefix", "/"));
  return PageOut(all, page, "InstanceProfiles", [&](const rapidjson::Value& doc, Alloc& a) {
    return InstanceProfileOut(store(), account, doc, a);
  });
}

Result<Output> IamService::DeleteInstanceProfile(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("InstanceProfileName");
  const std::string& account = ctx.scope.account_id;
  auto* profile = FindNamed(store(), account, Kind::kInstanceProfile, name);
  if (profile == nullptr) {
    return errors::NoSuchInstanceProfile(name);
  }
  if ((*profile)["_roles"].Size() > 0) {
    return errors::DeleteConflict("Cannot delete entity, must remove roles from instance profile first.");
  }
  store().Erase(account, Kind::kInstanceProfile, KeyOf(name));
  return EmptyOutput();
}

Result<Output> IamService::AddRoleToInstanceProfile(RequestContext& ctx, ParamReader& in) {
  const std::string& account = ctx.scope.account_id;
  auto found = FindProfileAndRole(store(), account, in);
  if (!found) {
    return found.error();
  }
  auto& [name, role_name, profile, canonical] = *found;
  auto& roles = (*profile)["_roles"];
  if (roles.Size() >= 1) {
    // AWS: an instance profile holds at most one role.
    return errors::LimitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1");
  }
  roles.PushBack(Str(canonical, profile->GetAllocator()), profile->GetAllocator());
  store().Save(account, Kind::kInstanceProfile, KeyOf(name));
  return EmptyOutput();
}

Result<Output> IamService::RemoveRoleFromInstanceProfile(RequestContext& ctx, ParamReader& in) {
  const std::string& account = ctx.scope.account_id;
  auto found = FindProfileAndRole(store(), account, in);
  if (!found) {
    return found.error();
  }
  auto& [name, role_name, profile, canonical] = *found;
  if (!ArrayHas((*profile)["_roles"], canonical)) {
    return errors::NoSuchEntity("Role " + role_name + " is not in instance profile " + name + ".");
  }
  ArrayRemove((*profile)["_roles"], canonical);
  store().Save(account, Kind::kInstanceProfile, KeyOf(name));
  return EmptyOutput();
}

Result<Output> IamService::ListInstanceProfilesForRole(RequestContext& ctx, ParamReader& in) {
  const std::string& account = ctx.scope.account_id;
  auto role = RequireRole(store(), account, in.String("RoleName"));
  if (!role) {
    return role.error();
  }
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  std::string canonical = StringMember(**role, "RoleName");
  std::vector<std::pair<std::string, const rapidjson::Value*>> all;
  for (const auto& [key, profile] : store().All(account, Kind::kInstanceProfile)) {
    if (ArrayHas(profile["_roles"], canonical)) {
      all.emplace_back(key, &profile);
    }
  }
  return PageOut(all, page, "InstanceProfiles", [&](const rapidjson::Value& doc, Alloc& a) {
    return InstanceProfileOut(store(), account, doc, a);
  });
}

Result<Output> IamService::TagInstanceProfile(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("InstanceProfileName");
  auto* profile = FindNamed(store(), ctx.scope.account_id, Kind::kInstanceProfile, name);
  if (profile == nullptr) {
    return errors::NoSuchInstanceProfile(name);
  }
  return TagAndSave(store(), ctx.scope.account_id, Kind::kInstanceProfile, KeyOf(name), *profile,
                    in);
}

Result<Output> IamService::UntagInstanceProfile(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("InstanceProfileName");
  auto* profile = FindNamed(store(), ctx.scope.account_id, Kind::kInstanceProfile, name);
  if (profile == nullptr) {
    return errors::NoSuchInstanceProfile(name);
  }
  return UntagAndSave(store(), ctx.scope.account_id, Kind::kInstanceProfile, KeyOf(name), *profile,
                      in);
}

Result<Output> IamService::ListInstanceProfileTags(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("InstanceProfileName");
  auto* profile = FindNamed(store(), ctx.scope.account_id, Kind::kInstanceProfile, name);
  if (profile == nullptr) {
    return errors::NoSuchInstanceProfile(name);
  }
  return TagsOutput(*profile);
}

}  // namespace nimbus::iam
