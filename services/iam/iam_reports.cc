// Account-wide reports (GetAccountAuthorizationDetails, ListEntitiesForPolicy, summary,
// aliases) and policy simulation through the real evaluator.
#include "services/iam/aws_managed_policies.h"
#include "services/iam/iam_internal.h"
#include "services/iam/iam_service.h"
#include "services/iam/policy/policy_document.h"

namespace nimbus::iam {

rapidjson::Value ManagedPolicyOut(IamStore& s, const std::string& account, const std::string& arn,
                                  const rapidjson::Value* stored, Alloc& a);
rapidjson::Value InstanceProfileOut(IamStore& store, const std::string& account,
                                    const rapidjson::Value& profile, Alloc& a);

namespace {

rapidjson::Value InlineList(const rapidjson::Value& entity, Alloc& a) {
  rapidjson::Value list(rapidjson::kArrayType);
  if (auto it = entity.FindMember("_inline"); it != entity.MemberEnd()) {
    for (auto p = it->value.MemberBegin(); p != it->value.MemberEnd(); ++p) {
      rapidjson::Value d(rapidjson::kObjectType);
      d.AddMember("PolicyName", rapidjson::Value(p->name, a), a);
      d.AddMember("PolicyDocument", Str(UrlEncode(p->value.GetString()), a), a);
      list.PushBack(std::move(d), a);
    }
  }
  return list;
}

rapidjson::Value AttachedList(const rapidjson::Value& entity, Alloc& a) {
  rapidjson::Value list(rapidjson::kArrayType);
  if (auto it = entity.FindMember("_attached"); it != entity.MemberEnd()) {
    for (const auto& arn : it->value.GetArray()) {
      std::string s = arn.GetString();
      rapidjson::Value d(rapidjson::kObjectType);
      d.AddMember("PolicyName", Str(s.substr(s.rfind('/') + 1), a), a);
      d.AddMember("PolicyArn", Str(s, a), a);
      list.PushBack(std::move(d), a);
    }
  }
  return list;
}

bool Wants(const std::vector<std::string>& filter, const char* kind) {
  return filter.empty() || std::find(filter.begin(), filter.end(), kind) != filter.end();
}

}  // namespace

Result<Output> IamService::GetAccountAuthorizationDetails(RequestContext& ctx, ParamReader& in) {
  auto filter = StringList(in.Value("Filter"));
  const std::string& account = ctx.scope.account_id;
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value users(rapidjson::kArrayType), groups(rapidjson::kArrayType),
      roles(rapidjson::kArrayType), policies(rapidjson::kArrayType);
  if (Wants(filter, "User")) {
    for (const auto& [key, u] : store().All(account, Kind::kUser)) {
      rapidjson::Value d = PublicCopy(u, a);
      d.AddMember("UserPolicyList", InlineList(u, a), a);
      rapidjson::Value group_names(rapidjson::kArrayType);
      if (u.HasMember("_groups")) {
        for (const auto& g : u["_groups"].GetArray()) {
          group_names.PushBack(rapidjson::Value(g, a), a);
        }
      }
      d.AddMember("GroupList", std::move(group_names), a);
      d.AddMember("AttachedManagedPolicies", AttachedList(u, a), a);
      users.PushBack(std::move(d), a);
    }
  }
  if (Wants(filter, "Group")) {
    for (const auto& [key, g] : store().All(account, Kind::kGroup)) {
      rapidjson::Value d = PublicCopy(g, a);
      d.AddMember("GroupPolicyList", InlineList(g, a), a);
      d.AddMember("AttachedManagedPolicies", AttachedList(g, a), a);
      groups.PushBack(std::move(d), a);
    }
  }
  if (Wants(filter, "Role")) {
    for (const auto& [key, r] : store().All(account, Kind::kRole)) {
      rapidjson::Value d = PublicCopy(r, a);
      d.AddMember("RolePolicyList", InlineList(r, a), a);
      d.AddMember("AttachedManagedPolicies", AttachedList(r, a), a);
      rapidjson::Value profiles(rapidjson::kArrayType);
      for (const auto& [pkey, p] : store().All(account, Kind::kInstanceProfile)) {
        if (ArrayHas(p["_roles"], StringMember(r, "RoleName"))) {
          profiles.PushBack(InstanceProfileOut(store(), account, p, a), a);
        }
      }
      d.AddMember("InstanceProfileList", std::move(profiles), a);
      roles.PushBack(std::move(d), a);
    }
  }
  auto add_policy = [&](const std::string& arn, const rapidjson::Value* stored) {
    rapidjson::Value d = ManagedPolicyOut(store(), account, arn, stored, a);
    d.RemoveMember("Tags");
    rapidjson::Value versions(rapidjson::kArrayType);
    if (stored != nullptr) {
      for (const auto& v : (*stored)["_versions"].GetArray()) {
        versions.PushBack(PublicCopy(v, a), a);
      }
    } else if (const auto* aws = FindAwsManagedPolicy(arn)) {
      rapidjson::Value v(rapidjson::kObjectType);
      v.AddMember("Document", Str(UrlEncode(aws->document), a), a);
      v.AddMember("VersionId", "v1", a);
      v.AddMember("IsDefaultVersion", true, a);
      v.AddMember("CreateDate", "2015-02-06T18:39:46Z", a);
      versions.PushBack(std::move(v), a);
    }
    d.AddMember("PolicyVersionList", std::move(versions), a);
    policies.PushBack(std::move(d), a);
  };
  if (Wants(filter, "LocalManagedPolicy")) {
    for (const auto& [arn, p] : store().All(account, Kind::kPolicy)) {
      add_policy(arn, &p);
    }
  }
  if (Wants(filter, "AWSManagedPolicy")) {
    // AWS: only the AWS managed policies in use are listed.
    for (const auto& p : AwsManagedPolicies()) {
      std::string arn = AwsManagedPolicyArn(p);
      rapidjson::Value probe = ManagedPolicyOut(store(), account, arn, nullptr, a);
      if (probe["AttachmentCount"].GetInt64() + probe["PermissionsBoundaryUsageCount"].GetInt64() > 0) {
        add_policy(arn, nullptr);
      }
    }
  }
  out.AddMember("UserDetailList", std::move(users), a);
  out.AddMember("GroupDetailList", std::move(groups), a);
  out.AddMember("RoleDetailList", std::move(roles), a);
  out.AddMember("Policies", std::move(policies), a);
  out.AddMember("IsTruncated", false, a);
  return out;
}

Result<Output> IamService::ListEntitiesForPolicy(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("PolicyArn");
  std::string filter = in.String("EntityFilter");
  std::string usage = in.String("PolicyUsageFilter");
  std::string prefix = in.String("PathPrefix", "/");
  const std::string& account = ctx.scope.account_id;
  if (!FindAwsManagedPolicy(arn) && store().Find(account, Kind::kPolicy, arn) == nullptr) {
    return errors::NoSuchEntity("Policy " + arn + " was not found.");
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  struct Spec {
    Kind kind;
    const char* filter;
    const char* list;
    const char* name;
    const char* id;
  };
  const Spec specs[] = {{Kind::kGroup, "Group", "PolicyGroups", "GroupName", "GroupId"},
                        {Kind::kUser, "User", "PolicyUsers", "UserName", "UserId"},
                        {Kind::kRole, "Role", "PolicyRoles", "RoleName", "RoleId"}};
  for (const auto& spec : specs) {
    rapidjson::Value list(rapidjson::kArrayType);
    bool wanted = filter.empty() || filter == spec.filter ||
                  (filter == "LocalManagedPolicy" || filter == "AWSManagedPolicy");
    if (wanted) {
      for (const auto& [key, e] : store().All(account, spec.kind)) {
        if (StringMember(e, "Path").rfind(prefix, 0) != 0) {
          continue;
        }
        bool attached = e.HasMember("_attached") && ArrayHas(e["_attached"], arn);
        bool boundary = e.HasMember("PermissionsBoundary") &&
                        StringMember(e["PermissionsBoundary"], "PermissionsBoundaryArn") == arn;
        bool match = usage == "PermissionsBoundary" ? boundary
                     : usage == "PermissionsPolicy" ? attached
                                                    : attached || boundary;
        if (!match) {
          continue;
        }
        rapidjson::Value item(rapidjson::kObjectType);
        item.AddMember(rapidjson::StringRef(spec.name), Str(StringMember(e, spec.name), a), a);
        item.AddMember(rapidjson::StringRef(spec.id), Str(StringMember(e, spec.id), a), a);
        list.PushBack(std::move(item), a);
      }
    }
    out.AddMember(rapidjson::StringRef(spec.list), std::move(list), a);
  }
  out.AddMember("IsTruncated", false, a);
  return out;
}

Result<Output> IamService::GetAccountSummary(RequestContext& ctx, ParamReader&) {
  const std::string& account = ctx.scope.account_id;
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value map(rapidjson::kObjectType);
  auto count = [&](Kind k) { return static_cast<int64_t>(store().All(account, k).size()); };
  int64_t keys = 0;
  for (const auto& [id, k] : store().All("", Kind::kAccessKey)) {
    keys += StringMember(k, "_account") == account ? 1 : 0;
  }
  int64_t mfa_in_use = 0;
  for (const auto& [serial, d] : store().All(account, Kind::kMfaDevice)) {
    mfa_in_use += StringMember(d, "_user").empty() ? 0 : 1;
  }
  auto* prefs = store().Find(account, Kind::kAccountSettings, "sts-preferences");
  int64_t token_version =
      prefs != nullptr && StringMember(*prefs, "GlobalEndpointTokenVersion") == "v2Token" ? 2 : 1;
  const std::pair<const char*, int64_t> entries[] = {
      {"Users", count(Kind::kUser)},
      {"UsersQuota", 5000},
      {"Groups", count(Kind::kGroup)},
      {"GroupsQuota", 300},
      {"Roles", count(Kind::kRole)},
      {"RolesQuota", 1000},
      {"Policies", count(Kind::kPolicy)},
      {"PoliciesQuota", 1500},
      {"InstanceProfiles", count(Kind::kInstanceProfile)},
      {"InstanceProfilesQuota", 1000},
      {"AccessKeysPerUserQuota", 2},
      {"AttachedPoliciesPerUserQuota", 10},
      {"AttachedPoliciesPerRoleQuota", 10},
      {"AttachedPoliciesPerGroupQuota", 10},
      {"PolicyVersionsInUseQuota", 10000},
      {"VersionsPerPolicyQuota", 5},
      {"PolicySizeQuota", 6144},
      {"GroupsPerUserQuota", 10},
      {"AccountAccessKeysPresent", 0},
      {"AccountMFAEnabled", 0},
      {"MFADevices", count(Kind::kMfaDevice)},
      {"MFADevicesInUse", mfa_in_use},
      {"ServerCertificates", count(Kind::kServerCertificate)},
      {"ServerCertificatesQuota", 20},
      {"Providers", count(Kind::kOidcProvider) + count(Kind::kSamlProvider)},
      {"ProvidersQuota", 100},
      {"GlobalEndpointTokenVersion", token_version},
  };
  (void)keys;
  for (const auto& [k, v] : entries) {
    map.AddMember(rapidjson::StringRef(k), v, a);
  }
  out.AddMember("SummaryMap", std::move(map), a);
  return out;
}

Result<Output> IamService::CreateAccountAlias(RequestContext& ctx, ParamReader& in) {
  std::string alias = in.String("AccountAlias");
  if (alias.size() < 3 || alias.size() > 63 || alias.front() == '-' || alias.back() == '-' ||
      std::any_of(alias.begin(), alias.end(), [](unsigned char c) {
        return !(std::islower(c) || std::isdigit(c) || c == '-');
      })) {
    return errors::ValidationField(alias, "accountAlias",
                                   "Member must satisfy regular expression pattern: "
                                   "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$");
  }
  auto& all = store().All(ctx.scope.account_id, Kind::kAccountAlias);
  if (!all.empty() && all.begin()->first != alias) {
    return errors::LimitExceeded("Cannot exceed quota for AccountAliasesPerAccount: 1");
  }
  rapidjson::Document d(rapidjson::kObjectType);
  store().Put(ctx.scope.account_id, Kind::kAccountAlias, alias, std::move(d));
  return EmptyOutput();
}

Result<Output> IamService::DeleteAccountAlias(RequestContext& ctx, ParamReader& in) {
  std::string alias = in.String("AccountAlias");
  if (!store().Erase(ctx.scope.account_id, Kind::kAccountAlias, alias)) {
    return errors::NoSuchEntity("The account alias " + alias + " cannot be found.");
  }
  return EmptyOutput();
}

Result<Output> IamService::ListAccountAliases(RequestContext& ctx, ParamReader&) {
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& [alias, d] : store().All(ctx.scope.account_id, Kind::kAccountAlias)) {
    list.PushBack(Str(alias, a), a);
  }
  out.AddMember("AccountAliases", std::move(list), a);
  out.AddMember("IsTruncated", false, a);
  return out;
}

namespace {

// Runs the evaluator over every (action, resource) pair of a simulation request.
Result<Output> Simulate(PolicySet policies, const RequestFacts& base, ParamReader& in,
                        IamState& state) {
  auto actions = StringList(in.Value("ActionNames"));
  auto resources = StringList(in.Value("ResourceArns"));
  if (resources.empty()) {
    resources.push_back("*");
  }
  for (const auto& doc : StringList(in.Value("PermissionsBoundaryPolicyInputList"))) {
    auto parsed = ParsePolicy(doc, PolicyKind::kIdentity);
    if (!parsed) {
      return parsed.error();
    }
    policies.has_boundary = true;
    policies.boundary.push_back({"PermissionsBoundaryPolicyInputList." +
                                     std::to_string(policies.boundary.size() + 1),
                                 "none", std::make_shared<const PolicyDocument>(std::move(*parsed))});
  }
  if (auto rp = in.OptString("ResourcePolicy")) {
    auto parsed = ParsePolicy(*rp, PolicyKind::kResource);
    if (!parsed) {
      return parsed.error();
    }
    policies.resource.push_back(
        {"ResourcePolicy", "resource", std::make_shared<const PolicyDocument>(std::move(*parsed))});
  }
  RequestFacts facts = base;
  if (const auto* entries = in.Value("ContextEntries"); entries && entries->IsArray()) {
    for (const auto& e : entries->GetArray()) {
      std::string key = StringMember(e, "ContextKeyName");
      auto values = StringList(e.HasMember("ContextKeyValues") ? &e["ContextKeyValues"] : nullptr);
      std::string lower = KeyOf(key);
      facts.context[lower] = values;
    }
  }
  if (auto caller = in.OptString("CallerArn")) {
    facts.principal_arn = *caller;
  }
  (void)state;
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value results(rapidjson::kArrayType);
  for (const auto& action : actions) {
    for (const auto& resource : resources) {
      facts.action = action;
      facts.resource = resource;
      Evaluation ev = Evaluate(policies, facts);
      rapidjson::Value r(rapidjson::kObjectType);
      r.AddMember("EvalActionName", Str(action, a), a);
      r.AddMember("EvalResourceName", Str(resource, a), a);
      r.AddMember("EvalDecision", Str(ev.DecisionName(), a), a);
      rapidjson::Value matched(rapidjson::kArrayType);
      for (const auto& m : ev.matched) {
        rapidjson::Value s(rapidjson::kObjectType);
        std::string id = m.policy_id.substr(m.policy_id.rfind('/') + 1);
        s.AddMember("SourcePolicyId", Str(id, a), a);
        s.AddMember("SourcePolicyType", Str(m.policy_type, a), a);
        rapidjson::Value start(rapidjson::kObjectType), end(rapidjson::kObjectType);
        start.AddMember("Line", 1, a);
        start.AddMember("Column", static_cast<int64_t>(m.index + 1), a);
        end.AddMember("Line", 1, a);
        end.AddMember("Column", static_cast<int64_t>(m.index + 1), a);
        s.AddMember("StartPosition", std::move(start), a);
        s.AddMember("EndPosition", std::move(end), a);
        matched.PushBack(std::move(s), a);
      }
      r.AddMember("MatchedStatements", std::move(matched), a);
      rapidjson::Value missing(rapidjson::kArrayType);
      for (const auto& k : ev.missing_context) {
        missing.PushBack(Str(k, a), a);
      }
      r.AddMember("MissingContextValues", std::move(missing), a);
      if (policies.has_boundary) {
        rapidjson::Value pb(rapidjson::kObjectType);
        pb.AddMember("AllowedByPermissionsBoundary", !ev.boundary_denied, a);
        r.AddMember("PermissionsBoundaryDecisionDetail", std::move(pb), a);
      }
      results.PushBack(std::move(r), a);
    }
  }
  out.AddMember("EvaluationResults", std::move(results), a);
  out.AddMember("IsTruncated", false, a);
  return out;
}

Result<std::vector<NamedPolicy>> InputPolicies(ParamReader& in) {
  std::vector<NamedPolicy> out;
  for (const auto& doc : StringList(in.Value("PolicyInputList"))) {
    auto parsed = ParsePolicy(doc, PolicyKind::kIdentity);
    if (!parsed) {
      return parsed.error();
    }
    out.push_back({"PolicyInputList." + std::to_string(out.size() + 1), "none",
                   std::make_shared<const PolicyDocument>(std::move(*parsed))});
  }
  return out;
}

}  // namespace

Result<PolicySet> PrincipalPolicySet(IamState& state, const std::string& account,
                                     const std::string& source) {
  IamStore& s = state.store();
  // arn:aws:iam::<a>:{user|role|group}/<path><name>
  auto colon = source.find(':', 13);
  std::string type_and_name = colon == std::string::npos ? "" : source.substr(colon + 1);
  std::string kind = type_and_name.substr(0, type_and_name.find('/'));
  std::string name = source.substr(source.rfind('/') + 1);
  Principal p;
  p.account_id = account;
  p.arn = source;
  p.name = name;
  PolicySet set;
  if (kind == "user") {
    if (!FindNamed(s, account, Kind::kUser, name)) {
      return errors::NoSuchEntity("The user with name " + name + " cannot be found.");
    }
    p.kind = Principal::Kind::kUser;
    set = state.PoliciesFor(p);
  } else if (kind == "role") {
    if (!FindNamed(s, account, Kind::kRole, name)) {
      return errors::NoSuchRole(name);
    }
    p.kind = Principal::Kind::kAssumedRole;
    set = state.PoliciesFor(p);
  } else if (kind == "group") {
    auto* group = FindNamed(s, account, Kind::kGroup, name);
    if (group == nullptr) {
      return errors::NoSuchGroup(name);
    }
    // A group's own policies, as they would apply to a member.
    if (group->HasMember("_inline")) {
      for (auto it = (*group)["_inline"].MemberBegin(); it != (*group)["_inline"].MemberEnd(); ++it) {
        set.identity.push_back({std::string("group/") + name + "/" + it->name.GetString(), "group",
                                state.Parsed(it->value.GetString())});
      }
    }
    if (group->HasMember("_attached")) {
      for (const auto& arn : (*group)["_attached"].GetArray()) {
        set.identity.push_back({arn.GetString(), "user-managed",
                                state.Parsed(state.ManagedPolicyDocument(account, arn.GetString()))});
      }
    }
  } else {
    return errors::InvalidInput("Invalid ARN: " + source);
  }
  return set;
}

Result<Output> IamService::SimulatePrincipalPolicy(RequestContext& ctx, ParamReader& in) {
  std::string source = in.String("PolicySourceArn");
  const std::string& account = ctx.scope.account_id;
  std::string name = source.substr(source.rfind('/') + 1);
  auto principal_set = PrincipalPolicySet(*state_, account, source);
  if (!principal_set) {
    return principal_set.error();
  }
  PolicySet set = std::move(*principal_set);
  auto extra = InputPolicies(in);
  if (!extra) {
    return extra.error();
  }
  set.identity.insert(set.identity.end(), extra->begin(), extra->end());
  RequestFacts facts;
  facts.principal_arn = source;
  facts.principal_account = account;
  facts.Set("aws:username", name);
  facts.Set("aws:PrincipalArn", source);
  facts.Set("aws:PrincipalAccount", account);
  return Simulate(std::move(set), facts, in, *state_);
}

Result<Output> IamService::SimulateCustomPolicy(RequestContext& ctx, ParamReader& in) {
  auto policies = InputPolicies(in);
  if (!policies) {
    return policies.error();
  }
  PolicySet set;
  set.identity = std::move(*policies);
  RequestFacts facts;
  facts.principal_account = ctx.scope.account_id;
  facts.principal_arn = "arn:aws:iam::" + ctx.scope.account_id + ":user/simulated";
  return Simulate(std::move(set), facts, in, *state_);
}

}  // namespace nimbus::iam
