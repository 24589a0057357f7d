// IAM users, groups, group membership, access keys and login profiles.
#include "services/common/ids.h"
#include "services/iam/credentials/passwords.h"
#include "services/iam/iam_internal.h"
#include "services/iam/iam_service.h"

namespace nimbus::iam {
namespace {

constexpr size_t kMaxAccessKeysPerUser = 2;

// Access key ids: "AKIA" + 16 characters of [A-Z2-7], as AWS issues them.
std::string NewKeyId(std::string_view prefix) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string hex = RandomHex(32);
  std::string out(prefix);
  for (size_t i = 0; i < 16; ++i) {
    out += kChars[std::stoi(hex.substr(i * 2, 2), nullptr, 16) % 32];
  }
  return out;
}

std::string NewSecret() {
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string hex = RandomHex(80);
  std::string out;
  for (size_t i = 0; i < 40; ++i) {
    out += kChars[std::stoi(hex.substr(i * 2, 2), nullptr, 16) % 64];
  }
  return out;
}

Output Wrap(const char* member, const rapidjson::Value& entity) {
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember(rapidjson::StringRef(member), PublicCopy(entity, a), a);
  return out;
}

// What UpdateUser and UpdateGroup need to know about their kind: users and groups name each
// other in their membership lists, so a rename rewrites the other side too.
struct Names {
  Kind kind;
  const char* label;           // "User", in error messages
  const char* name_member;     // "UserName"
  const char* new_name_param;  // "NewUserName"
  const char* new_name_field;  // "newUserName", in validation messages
  size_t max_name;
  const char* arn_type;        // "user", as in arn:aws:iam::123456789012:user/path/name
  Result<rapidjson::Document*> (*require)(IamStore&, const std::string&, const std::string&);
  const char* own_list;        // the other kind's names in this entity ("_groups")
  Kind other_kind;
  const char* other_list;      // this kind's names in the other kind's entities ("_users")
};
constexpr Names kUserNames{Kind::kUser, "User", "UserName", "NewUserName", "newUserName", 64,
                           "user", RequireUser, "_groups", Kind::kGroup, "_users"};
constexpr Names kGroupNames{Kind::kGroup, "Group", "GroupName", "NewGroupName", "newGroupName", 128,
                            "group", RequireGroup, "_users", Kind::kUser, "_groups"};

// Applies NewXName/NewPath; answers the entity's name after the update.
Result<std::string> Rename(IamStore& s, const std::string& account, const Names& k,
                           ParamReader& in) {
  std::string name = in.String(k.name_member);
  auto new_name = in.OptString(k.new_name_param);
  auto new_path = in.OptString("NewPath");
  auto entity = k.require(s, account, name);
  if (!entity) {
    return entity.error();
  }
  if (new_name) {
    if (auto e = CheckName(*new_name, k.new_name_field, k.max_name)) {
      return *e;
    }
    if (KeyOf(*new_name) != KeyOf(name) && FindNamed(s, account, k.kind, *new_name)) {
      return errors::EntityAlreadyExists(std::string(k.label) + " with name " + *new_name +
                                         " already exists.");
    }
  }
  if (new_path) {
    if (auto e = CheckPath(*new_path, "newPath")) {
      return *e;
    }
  }
  rapidjson::Document d;
  d.CopyFrom(**entity, d.GetAllocator());
  auto& a = d.GetAllocator();
  std::string final_name = new_name.value_or(name);
  std::string path = new_path.value_or(StringMember(d, "Path"));
  d[k.name_member] = Str(final_name, a);
  d["Path"] = Str(path, a);
  d["Arn"] = Str("arn:aws:iam::" + account + ":" + k.arn_type + path + final_name, a);
  if (d.HasMember(k.own_list)) {
    for (const auto& o : d[k.own_list].GetArray()) {
      if (auto* other = FindNamed(s, account, k.other_kind, o.GetString())) {
        auto& names = Member(*other, k.other_list, rapidjson::kArrayType, other->GetAllocator());
        ArrayRemove(names, name);
        names.PushBack(Str(final_name, other->GetAllocator()), other->GetAllocator());
        s.Save(account, k.other_kind, KeyOf(o.GetString()));
      }
    }
  }
  s.Erase(account, k.kind, KeyOf(name));
  s.Put(account, k.kind, KeyOf(final_name), std::move(d));
  // AwsError also converts from a string, so say which side this is.
  return Result<std::string>(boost::system::in_place_value, std::move(final_name));
}

// The entities of `kind` named in `entity[list]` (a group's users, a user's groups), by key.
std::vector<std::pair<std::string, const rapidjson::Value*>> Listed(IamStore& s,
                                                                    const std::string& account,
                                                                    const rapidjson::Value& entity,
                                                                    const char* list, Kind kind) {
  std::vector<std::pair<std::string, const rapidjson::Value*>> out;
  if (entity.HasMember(list)) {
    for (const auto& n : entity[list].GetArray()) {
      if (auto* named = FindNamed(s, account, kind, n.GetString())) {
        out.emplace_back(KeyOf(n.GetString()), named);
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  return out;
}

// The group and user that AddUserToGroup and RemoveUserFromGroup name.
struct Membership {
  std::string group_name;  // as requested
  std::string user_name;
  rapidjson::Document* group;
  rapidjson::Document* user;
  std::string canonical_group;  // as stored
  std::string canonical_user;
};
Result<Membership> FindMembership(IamStore& s, const std::string& account, ParamReader& in) {
  std::string group_name = in.String("GroupName");
  std::string user_name = in.String("UserName");
  auto group = RequireGroup(s, account, group_name);
  if (!group) {
    return group.error();
  }
  auto user = RequireUser(s, account, user_name);
  if (!user) {
    return user.error();
  }
  return Membership{group_name, user_name, *group, *user, StringMember(**group, "GroupName"),
                    StringMember(**user, "UserName")};
}

}  // namespace

std::string NewAccessKeyId(std::string_view prefix) { return NewKeyId(prefix); }
std::string NewSecretAccessKey() { return NewSecret(); }

Result<Output> IamService::CreateUser(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("UserName");
  std::string path = in.String("Path", "/");
  std::string boundary = in.String("PermissionsBoundary");
  if (in.error()) {
    return *in.error();
  }
  if (auto e = CheckName(name, "userName", 64)) {
    return *e;
  }
  if (auto e = CheckPath(path, "path")) {
    return *e;
  }
  const std::string& account = ctx.scope.account_id;
  if (FindNamed(store(), account, Kind::kUser, name)) {
    return errors::EntityAlreadyExists("User with name " + name + " already exists.");
  }
  if (!boundary.empty() && state_->ManagedPolicyDocument(account, boundary).empty()) {
    return errors::InvalidInput("ARN " + boundary + " is not valid.");
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("Path", Str(path, a), a);
  d.AddMember("UserName", Str(name, a), a);
  d.AddMember("UserId", Str(NewUniqueId("AIDA"), a), a);
  d.AddMember("Arn", Str(UserArn(account, path, name), a), a);
  d.AddMember("CreateDate", Str(NowIso(Now(ctx)), a), a);
  if (!boundary.empty()) {
    d.AddMember("PermissionsBoundary", BoundaryValue(boundary, a), a);
  }
  if (auto e = MergeTags(d, in.Value("Tags"), a)) {
    return *e;
  }
  auto& stored = store().Put(account, Kind::kUser, KeyOf(name), std::move(d));
  return Wrap("User", stored);
}

Result<Output> IamService::GetUser(RequestContext& ctx, ParamReader& in) {
  auto name = in.OptString("UserName");
  const std::string& account = ctx.scope.account_id;
  if (!name) {
    if (ctx.principal.kind == Principal::Kind::kUser) {
      name = ctx.principal.name;
    } else {
      // AWS: without a name, GetUser describes the caller; for root credentials, the root.
      Output out(rapidjson::kObjectType);
      auto& a = out.GetAllocator();
      rapidjson::Value u(rapidjson::kObjectType);
      u.AddMember("Path", "/", a);
      u.AddMember("UserName", "root", a);
      u.AddMember("UserId", Str(account, a), a);
      u.AddMember("Arn", Str("arn:aws:iam::" + account + ":root", a), a);
      u.AddMember("CreateDate", Str(NowIso(0), a), a);
      out.AddMember("User", std::move(u), a);
      return out;
    }
  }
  auto user = RequireUser(store(), account, *name);
  if (!user) {
    return user.error();
  }
  return Wrap("User", **user);
}

Result<Output> IamService::ListUsers(RequestContext& ctx, ParamReader& in) {
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  auto all = Listing(store(), ctx.scope.account_id, Kind::kUser, in.String("PathPrefix", "/"));
  return PageOut(all, page, "Users", [](const rapidjson::Value& doc, Alloc& a) {
    rapidjson::Value u = PublicCopy(doc, a);
    u.RemoveMember("Tags");  // AWS: ListUsers leaves out tags and boundaries
    u.RemoveMember("PermissionsBoundary");
    return u;
  });
}

Result<Output> IamService::UpdateUser(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("UserName");
  const std::string& account = ctx.scope.account_id;
  auto final_name = Rename(store(), account, kUserNames, in);
  if (!final_name) {
    return final_name.error();
  }
  // Access keys, MFA devices, certificates and other credentials name their user too.
  RenameUserCredentials(store(), account, name, *final_name);
  return EmptyOutput();
}

Result<Output> IamService::DeleteUser(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("UserName");
  const std::string& account = ctx.scope.account_id;
  auto user = RequireUser(store(), account, name);
  if (!user) {
    return user.error();
  }
  const auto& u = **user;
  if (auto e = PoliciesStillHeld(u)) {
    return *e;
  }
  if (u.HasMember("_groups") && u["_groups"].Size() > 0) {
    return errors::DeleteConflict("Cannot delete entity, must remove users from group first.");
  }
  if (u.HasMember("_login_profile")) {
    return errors::DeleteConflict("Cannot delete entity, must delete login profile first.");
  }
  if (u.HasMember("_mfa") && u["_mfa"].Size() > 0) {
    return errors::DeleteConflict("Cannot delete entity, must remove MFA device first.");
  }
  if (auto e = UserCredentialsHeld(store(), account, StringMember(u, "UserName"))) {
    return *e;
  }
  for (const auto& [key_id, key] : store().All("", Kind::kAccessKey)) {
    if (StringMember(key, "_account") == account && KeyOf(StringMember(key, "UserName")) == KeyOf(name)) {
      return errors::DeleteConflict("Cannot delete entity, must delete access keys first.");
    }
  }
  store().Erase(account, Kind::kUser, KeyOf(name));
  return EmptyOutput();
}

Result<Output> IamService::TagUser(RequestContext& ctx, ParamReader& in) {
  auto user = RequireUser(store(), ctx.scope.account_id, in.String("UserName"));
  if (!user) {
    return user.error();
  }
  return TagAndSave(store(), ctx.scope.account_id, Kind::kUser, KeyOf(in.String("UserName")),
                    **user, in);
}

Result<Output> IamService::UntagUser(RequestContext& ctx, ParamReader& in) {
  auto user = RequireUser(store(), ctx.scope.account_id, in.String("UserName"));
  if (!user) {
    return user.error();
  }
  return UntagAndSave(store(), ctx.scope.account_id, Kind::kUser, KeyOf(in.String("UserName")),
                      **user, in);
}

Result<Output> IamService::ListUserTags(RequestContext& ctx, ParamReader& in) {
  auto user = RequireUser(store(), ctx.scope.account_id, in.String("UserName"));
  if (!user) {
    return user.error();
  }
  return TagsOutput(**user);
}

Result<Output> IamService::CreateGroup(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("GroupName");
  std::string path = in.String("Path", "/");
  if (auto e = CheckName(name, "groupName", 128)) {
    return *e;
  }
  if (auto e = CheckPath(path, "path")) {
    return *e;
  }
  const std::string& account = ctx.scope.account_id;
  if (FindNamed(store(), account, Kind::kGroup, name)) {
    return errors::EntityAlreadyExists("Group with name " + name + " already exists.");
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("Path", Str(path, a), a);
  d.AddMember("GroupName", Str(name, a), a);
  d.AddMember("GroupId", Str(NewUniqueId("AGPA"), a), a);
  d.AddMember("Arn", Str("arn:aws:iam::" + account + ":group" + path + name, a), a);
  d.AddMember("CreateDate", Str(NowIso(Now(ctx)), a), a);
  auto& stored = store().Put(account, Kind::kGroup, KeyOf(name), std::move(d));
  return Wrap("Group", stored);
}

Result<Output> IamService::GetGroup(RequestContext& ctx, ParamReader& in) {
  const std::string& account = ctx.scope.account_id;
  auto group = RequireGroup(store(), account, in.String("GroupName"));
  if (!group) {
    return group.error();
  }
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  auto p = Paginate(Listed(store(), account, **group, "_users", Kind::kUser), page, PairKey);
  Output out = Wrap("Group", **group);
  auto& a = out.GetAllocator();
  rapidjson::Value users(rapidjson::kArrayType);
  for (const auto& [key, doc] : p.items) {
    users.PushBack(PublicCopy(*doc, a), a);
  }
  out.AddMember("Users", std::move(users), a);
  SetPageInfo(out, p.next_marker);
  return out;
}

Result<Output> IamService::ListGroups(RequestContext& ctx, ParamReader& in) {
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  auto all = Listing(store(), ctx.scope.account_id, Kind::kGroup, in.String("PathPrefix", "/"));
  return PageOut(all, page, "Groups", PlainCopy);
}

Result<Output> IamService::UpdateGroup(RequestContext& ctx, ParamReader& in) {
  auto final_name = Rename(store(), ctx.scope.account_id, kGroupNames, in);
  if (!final_name) {
    return final_name.error();
  }
  return EmptyOutput();
}

Result<Output> IamService::DeleteGroup(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("GroupName");
  const std::string& account = ctx.scope.account_id;
  auto group = RequireGroup(store(), account, name);
  if (!group) {
    return group.error();
  }
  const auto& g = **group;
  if (g.HasMember("_users") && g["_users"].Size() > 0) {
    return errors::DeleteConflict("Cannot delete entity, must remove users from group first.");
  }
  if (auto e = PoliciesStillHeld(g)) {
    return *e;
  }
  store().Erase(account, Kind::kGroup, KeyOf(name));
  return EmptyOutput();
}

Result<Output> IamService::AddUserToGroup(RequestContext& ctx, ParamReader& in) {
  const std::string& account = ctx.scope.account_id;
  auto m = FindMembership(store(), account, in);
  if (!m) {
    return m.error();
  }
  auto& [group_name, user_name, group, user, canonical_group, canonical_user] = *m;
  auto& groups = Member(*user, "_groups", rapidjson::kArrayType, user->GetAllocator());
  if (!ArrayHas(groups, canonical_group)) {
    groups.PushBack(Str(canonical_group, user->GetAllocator()), user->GetAllocator());
    auto& users = Member(*group, "_users", rapidjson::kArrayType, group->GetAllocator());
    users.PushBack(Str(canonical_user, group->GetAllocator()), group->GetAllocator());
    store().Save(account, Kind::kUser, KeyOf(user_name));
    store().Save(account, Kind::kGroup, KeyOf(group_name));
  }
  return EmptyOutput();
}

Result<Output> IamService::RemoveUserFromGroup(RequestContext& ctx, ParamReader& in) {
  const std::string& account = ctx.scope.account_id;
  auto m = FindMembership(store(), account, in);
  if (!m) {
    return m.error();
  }
  auto& [group_name, user_name, group, user, canonical_group, canonical_user] = *m;
  auto& groups = Member(*user, "_groups", rapidjson::kArrayType, user->GetAllocator());
  if (!ArrayHas(groups, canonical_group)) {
    return errors::NoSuchEntity("User " + user_name + " is not in group " + group_name + ".");
  }
  ArrayRemove(groups, canonical_group);
  ArrayRemove(Member(*group, "_users", rapidjson::kArrayType, group->GetAllocator()),
              canonical_user);
  store().Save(account, Kind::kUser, KeyOf(user_name));
  store().Save(account, Kind::kGroup, KeyOf(group_name));
  return EmptyOutput();
}

Result<Output> IamService::ListGroupsForUser(RequestContext& ctx, ParamReader& in) {
  const std::string& account = ctx.scope.account_id;
  auto user = RequireUser(store(), account, in.String("UserName"));
  if (!user) {
    return user.error();
  }
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  return PageOut(Listed(store(), account, **user, "_groups", Kind::kGroup), page, "Groups",
                 PlainCopy);
}

Result<Output> IamService::CreateAccessKey(RequestContext& ctx, ParamReader& in) {
  const std::string& account = ctx.scope.account_id;
  auto name = in.OptString("UserName");
  if (!name && ctx.principal.kind == Principal::Kind::kUser) {
    name = ctx.principal.name;
  }
  if (!name) {
    return errors::Validation("Root access keys cannot be created through Nimbus; pass UserName.");
  }
  auto user = RequireUser(store(), account, *name);
  if (!user) {
    return user.error();
  }
  std::string canonical = StringMember(**user, "UserName");
  size_t count = 0;
  for (const auto& [key_id, key] : store().All("", Kind::kAccessKey)) {
    if (StringMember(key, "_account") == account && KeyOf(StringMember(key, "UserName")) == KeyOf(canonical)) {
      ++count;
    }
  }
  if (count >= kMaxAccessKeysPerUser) {
    return errors::LimitExceeded("Cannot exceed quota for AccessKeysPerUser: 2");
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  std::string key_id = NewKeyId("AKIA");
  d.AddMember("UserName", Str(canonical, a), a);
  d.AddMember("AccessKeyId", Str(key_id, a), a);
  d.AddMember("Status", "Active", a);
  d.AddMember("SecretAccessKey", Str(NewSecret(), a), a);
  d.AddMember("CreateDate", Str(NowIso(Now(ctx)), a), a);
  d.AddMember("_account", Str(account, a), a);
  d.AddMember("_created", Now(ctx), a);  // orders keys made within one second
  auto& stored = store().Put("", Kind::kAccessKey, key_id, std::move(d));
  return Wrap("AccessKey", stored);
}

Result<Output> IamService::ListAccessKeys(RequestContext& ctx, ParamReader& in) {
  const std::string& account = ctx.scope.account_id;
  auto name = in.OptString("UserName");
  if (!name && ctx.principal.kind == Principal::Kind::kUser) {
    name = ctx.principal.name;
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  if (name) {
    auto user = RequireUser(store(), account, *name);
    if (!user) {
      return user.error();
    }
    for (const auto& [key_id, key] : store().All("", Kind::kAccessKey)) {
      if (StringMember(key, "_account") == account && KeyOf(StringMember(key, "UserName")) == KeyOf(*name)) {
        rapidjson::Value m = PublicCopy(key, a);
        m.RemoveMember("SecretAccessKey");
        list.PushBack(std::move(m), a);
      }
    }
  }
  out.AddMember("AccessKeyMetadata", std::move(list), a);
  out.AddMember("IsTruncated", false, a);
  return out;
}

Result<Output> IamService::UpdateAccessKey(RequestContext& ctx, ParamReader& in) {
  std::string key_id = in.String("AccessKeyId");
  std::string status = in.String("Status");
  if (status != "Active" && status != "Inactive") {
    return errors::ValidationField(status, "status",
                                   "Member must satisfy enum value set: [Active, Inactive]");
  }
  auto* key = store().Find("", Kind::kAccessKey, key_id);
  if (key == nullptr || StringMember(*key, "_account") != ctx.scope.account_id) {
    return errors::NoSuchEntity("The Access Key with id " + key_id + " cannot be found.");
  }
  (*key)["Status"] = Str(status, key->GetAllocator());
  store().Save("", Kind::kAccessKey, key_id);
  return EmptyOutput();
}

Result<Output> IamService::DeleteAccessKey(RequestContext& ctx, ParamReader& in) {
  std::string key_id = in.String("AccessKeyId");
  auto* key = store().Find("", Kind::kAccessKey, key_id);
  if (key == nullptr || StringMember(*key, "_account") != ctx.scope.account_id) {
    return errors::NoSuchEntity("The Access Key with id " + key_id + " cannot be found.");
  }
  store().Erase("", Kind::kAccessKey, key_id);
  return EmptyOutput();
}

Result<Output> IamService::GetAccessKeyLastUsed(RequestContext& ctx, ParamReader& in) {
  std::string key_id = in.String("AccessKeyId");
  auto* key = store().Find("", Kind::kAccessKey, key_id);
  if (key == nullptr || StringMember(*key, "_account") != ctx.scope.account_id) {
    return errors::NoSuchEntity("The Access Key with id " + key_id + " cannot be found.");
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("UserName", Str(StringMember(*key, "UserName"), a), a);
  rapidjson::Value used(rapidjson::kObjectType);
  // AWS: "N/A" until the key is used.
  used.AddMember("ServiceName", "N/A", a);
  used.AddMember("Region", "N/A", a);
  out.AddMember("AccessKeyLastUsed", std::move(used), a);
  return out;
}

Result<Output> IamService::CreateLoginProfile(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("UserName");
  auto user = RequireUser(store(), ctx.scope.account_id, name);
  if (!user) {
    return user.error();
  }
  if ((*user)->HasMember("_login_profile")) {
    return errors::EntityAlreadyExists("Login Profile for user " + name + " already exists.");
  }
  auto password = in.OptString("Password");
  if (password) {
    if (auto e = CheckPassword(store(), ctx.scope.account_id, *password)) {
      return *e;
    }
  }
  auto& ua = (*user)->GetAllocator();
  rapidjson::Value profile(rapidjson::kObjectType);
  profile.AddMember("UserName", Str(StringMember(**user, "UserName"), ua), ua);
  profile.AddMember("CreateDate", Str(NowIso(Now(ctx)), ua), ua);
  profile.AddMember("PasswordResetRequired", in.Bool("PasswordResetRequired"), ua);
  if (password) {
    SetPassword(profile, *password, Now(ctx), ua);
  }
  (*user)->AddMember("_login_profile", std::move(profile), ua);
  store().Save(ctx.scope.account_id, Kind::kUser, KeyOf(name));
  return Wrap("LoginProfile", (**user)["_login_profile"]);
}

Result<Output> IamService::GetLoginProfile(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("UserName");
  auto user = RequireUser(store(), ctx.scope.account_id, name);
  if (!user) {
    return user.error();
  }
  if (!(*user)->HasMember("_login_profile")) {
    return errors::NoSuchEntity("Login Profile for User " + name + " cannot be found.");
  }
  return Wrap("LoginProfile", (**user)["_login_profile"]);
}

Result<Output> IamService::UpdateLoginProfile(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("UserName");
  auto user = RequireUser(store(), ctx.scope.account_id, name);
  if (!user) {
    return user.error();
  }
  if (!(*user)->HasMember("_login_profile")) {
    return errors::NoSuchEntity("Login Profile for User " + name + " cannot be found.");
  }
  auto password = in.OptString("Password");
  if (password) {
    if (auto e = CheckPassword(store(), ctx.scope.account_id, *password)) {
      return *e;
    }
    SetPassword((**user)["_login_profile"], *password, Now(ctx), (*user)->GetAllocator());
  }
  if (in.Has("PasswordResetRequired")) {
    (**user)["_login_profile"]["PasswordResetRequired"] = in.Bool("PasswordResetRequired");
  }
  store().Save(ctx.scope.account_id, Kind::kUser, KeyOf(name));
  return EmptyOutput();
}

Result<Output> IamService::DeleteLoginProfile(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("UserName");
  auto user = RequireUser(store(), ctx.scope.account_id, name);
  if (!user) {
    return user.error();
  }
  if (!(*user)->RemoveMember("_login_profile")) {
    return errors::NoSuchEntity("Login Profile for User " + name + " cannot be found.");
  }
  store().Save(ctx.scope.account_id, Kind::kUser, KeyOf(name));
  return EmptyOutput();
}

}  // namespace nimbus::iam
