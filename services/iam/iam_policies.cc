// Managed policies and their versions, attachments, inline policies and permissions boundaries.
#include <functional>

#include "services/iam/aws_managed_policies.h"
#include "services/iam/iam_internal.h"
#include "services/iam/iam_service.h"
#include "services/iam/policy/policy_document.h"

namespace nimbus::iam {
namespace {

constexpr size_t kMaxVersions = 5;
constexpr size_t kMaxAttached = 10;
constexpr size_t kMaxManagedPolicySize = 6144;

// What the three entity kinds that hold policies call things.
struct Holder {
  Kind kind;
  const char* name_member;  // "UserName"
  const char* label;        // "user"
  const char* quota;        // "PoliciesPerUser"
};
constexpr Holder kUserHolder{Kind::kUser, "UserName", "user", "PoliciesPerUser"};
constexpr Holder kGroupHolder{Kind::kGroup, "GroupName", "group", "PoliciesPerGroup"};
constexpr Holder kRoleHolder{Kind::kRole, "RoleName", "role", "PoliciesPerRole"};

Result<rapidjson::Document*> RequireHolder(IamStore& s, const std::string& account,
                                           const Holder& h, const std::string& name) {
  switch (h.kind) {
    case Kind::kUser:
      return RequireUser(s, account, name);
    case Kind::kGroup:
      return RequireGroup(s, account, name);
    default:
      return RequireRole(s, account, name);
  }
}

size_t NonSpaceSize(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](unsigned char c) {
    return !std::isspace(c);
  }));
}

// Attachments and boundary uses of a managed policy across the account.
struct Usage {
  int64_t attachments = 0;
  int64_t boundaries = 0;
};
Usage UsageOf(IamStore& s, const std::string& account, const std::string& arn) {
  Usage u;
  for (Kind k : {Kind::kUser, Kind::kGroup, Kind::kRole}) {
    for (const auto& [key, doc] : s.All(account, k)) {
      if (doc.HasMember("_attached") && ArrayHas(doc["_attached"], arn)) {
        ++u.attachments;
      }
      if (doc.HasMember("PermissionsBoundary") &&
          StringMember(doc["PermissionsBoundary"], "PermissionsBoundaryArn") == arn) {
        ++u.boundaries;
      }
    }
  }
  return u;
}

// A customer policy from the store or an AWS managed one rendered the same way.
rapidjson::Value PolicyOut(IamStore& s, const std::string& account, const std::string& arn,
                           const rapidjson::Value* stored, Alloc& a) {
  rapidjson::Value out(rapidjson::kObjectType);
  if (stored != nullptr) {
    out = PublicCopy(*stored, a);
  } else if (const auto* aws = FindAwsManagedPolicy(arn)) {
    out.AddMember("PolicyName", Str(aws->name, a), a);
    // Stable ids for AWS managed policies (they are fixed in AWS too).
    std::string id = "ANPA";
    size_t h = std::hash<std::string_view>{}(aws->name);
    static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    for (int i = 0; i < 17; ++i, h /= 32) {
      id += kChars[h % 32];
    }
    out.AddMember("PolicyId", Str(id, a), a);
    out.AddMember("Arn", Str(arn, a), a);
    out.AddMember("Path", Str(aws->path, a), a);
    out.AddMember("DefaultVersionId", "v1", a);
    out.AddMember("IsAttachable", true, a);
    out.AddMember("Description", Str(aws->description, a), a);
    out.AddMember("CreateDate", "2015-02-06T18:39:46Z", a);
    out.AddMember("UpdateDate", "2015-02-06T18:39:46Z", a);
  }
  Usage u = UsageOf(s, account, arn);
  out.RemoveMember("AttachmentCount");
  out.RemoveMember("PermissionsBoundaryUsageCount");
  out.AddMember("AttachmentCount", u.attachments, a);
  out.AddMember("PermissionsBoundaryUsageCount", u.boundaries, a);
  return out;
}

rapidjson::Value VersionOut(const rapidjson::Value& v, Alloc& a) { return PublicCopy(v, a); }

Result<Output> Attach(IamStore& s, IamState& state, const std::string& account, const Holder& h,
                      ParamReader& in) {
  std::string name = in.String(h.name_member);
  std::string arn = in.String("PolicyArn");
  auto holder = RequireHolder(s, account, h, name);
  if (!holder) {
    return holder.error();
  }
  if (state.ManagedPolicyDocument(account, arn).empty()) {
    return errors::NoSuchPolicy(arn);
  }
  auto& attached = Member(**holder, "_attached", rapidjson::kArrayType, (*holder)->GetAllocator());
  if (!ArrayHas(attached, arn)) {
    if (attached.Size() >= kMaxAttached) {
      return errors::LimitExceeded(std::string("Cannot exceed quota for ") + h.quota + ": " +
                                   std::to_string(kMaxAttached));
    }
    attached.PushBack(Str(arn, (*holder)->GetAllocator()), (*holder)->GetAllocator());
    s.Save(account, h.kind, KeyOf(name));
  }
  return EmptyOutput();
}

Result<Output> Detach(IamStore& s, const std::string& account, const Holder& h, ParamReader& in) {
  std::string name = in.String(h.name_member);
  std::string arn = in.String("PolicyArn");
  auto holder = RequireHolder(s, account, h, name);
  if (!holder) {
    return holder.error();
  }
  auto& attached = Member(**holder, "_attached", rapidjson::kArrayType, (*holder)->GetAllocator());
  if (!ArrayHas(attached, arn)) {
    return errors::NoSuchEntity("Policy " + arn + " was not found.");
  }
  ArrayRemove(attached, arn);
  s.Save(account, h.kind, KeyOf(name));
  return EmptyOutput();
}

Result<Output> ListAttached(IamStore& s, const std::string& account, const Holder& h,
                            ParamReader& in) {
  auto holder = RequireHolder(s, account, h, in.String(h.name_member));
  if (!holder) {
    return holder.error();
  }
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  std::string prefix = in.String("PathPrefix", "/");
  std::vector<std::pair<std::string, std::string>> items;  // (arn, name)
  if ((*holder)->HasMember("_attached")) {
    for (const auto& arn : (**holder)["_attached"].GetArray()) {
      std::string a = arn.GetString();
      std::string path_and_name = a.substr(a.find(":policy") + 7);
      if (path_and_name.rfind(prefix, 0) != 0) {
        continue;
      }
      items.emplace_back(a, a.substr(a.rfind('/') + 1));
    }
  }
  auto p = Paginate(items, page, [](const auto& x) { return x.first; });
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& [arn, name] : p.items) {
    rapidjson::Value item(rapidjson::kObjectType);
    item.AddMember("PolicyName", Str(name, a), a);
    item.AddMember("PolicyArn", Str(arn, a), a);
    list.PushBack(std::move(item), a);
  }
  out.AddMember("AttachedPolicies", std::move(list), a);
  SetPageInfo(out, p.next_marker);
  return out;
}

Result<Output> PutInline(IamStore& s, const std::string& account, const Holder& h,
                         ParamReader& in) {
  std::string name = in.String(h.name_member);
  std::string policy_name = in.String("PolicyName");
  std::string document = in.String("PolicyDocument");
  if (auto e = CheckName(policy_name, "policyName", 128)) {
    return *e;
  }
  auto holder = RequireHolder(s, account, h, name);
  if (!holder) {
    return holder.error();
  }
  if (auto doc = ParsePolicy(document, PolicyKind::kIdentity); !doc) {
    return doc.error();
  }
  auto& a = (*holder)->GetAllocator();
  auto& inline_policies = Member(**holder, "_inline", rapidjson::kObjectType, a);
  // Names are case-insensitive: replace a policy whose name differs only in case.
  for (auto it = inline_policies.MemberBegin(); it != inline_policies.MemberEnd(); ++it) {
    if (KeyOf(it->name.GetString()) == KeyOf(policy_name)) {
      inline_policies.RemoveMember(it);
      break;
    }
  }
  inline_policies.AddMember(Str(policy_name, a), Str(document, a), a);
  s.Save(account, h.kind, KeyOf(name));
  return EmptyOutput();
}

const rapidjson::Value* FindInline(const rapidjson::Value& holder, const std::string& policy_name,
                                   std::string* canonical) {
  auto it = holder.FindMember("_inline");
  if (it == holder.MemberEnd()) {
    return nullptr;
  }
  for (auto p = it->value.MemberBegin(); p != it->value.MemberEnd(); ++p) {
    if (KeyOf(p->name.GetString()) == KeyOf(policy_name)) {
      if (canonical != nullptr) {
        *canonical = p->name.GetString();
      }
      return &p->value;
    }
  }
  return nullptr;
}

Result<Output> GetInline(IamStore& s, const std::string& account, const Holder& h,
                         ParamReader& in) {
  std::string name = in.String(h.name_member);
  std::string policy_name = in.String("PolicyName");
  auto holder = RequireHolder(s, account, h, name);
  if (!holder) {
    return holder.error();
  }
  std::string canonical;
  const auto* doc = FindInline(**holder, policy_name, &canonical);
  if (doc == nullptr) {
    return errors::NoSuchEntity("The " + std::string(h.label) + " policy with name " +
                                policy_name + " cannot be found.");
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember(rapidjson::StringRef(h.name_member), Str(StringMember(**holder, h.name_member), a),
                a);
  out.AddMember("PolicyName", Str(canonical, a), a);
  out.AddMember("PolicyDocument", Str(UrlEncode(doc->GetString()), a), a);
  return out;
}

Result<Output> DeleteInline(IamStore& s, const std::string& account, const Holder& h,
                            ParamReader& in) {
  std::string name = in.String(h.name_member);
  std::string policy_name = in.String("PolicyName");
  auto holder = RequireHolder(s, account, h, name);
  if (!holder) {
    return holder.error();
  }
  std::string canonical;
  if (FindInline(**holder, policy_name, &canonical) == nullptr) {
    return errors::NoSuchEntity("The " + std::string(h.label) + " policy with name " +
                                policy_name + " cannot be found.");
  }
  (**holder)["_inline"].RemoveMember(canonical.c_str());
  s.Save(account, h.kind, KeyOf(name));
  return EmptyOutput();
}

Result<Output> ListInline(IamStore& s, const std::string& account, const Holder& h,
                          ParamReader& in) {
  auto holder = RequireHolder(s, account, h, in.String(h.name_member));
  if (!holder) {
    return holder.error();
  }
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  std::vector<std::string> names;
  if ((*holder)->HasMember("_inline")) {
    for (auto p = (**holder)["_inline"].MemberBegin(); p != (**holder)["_inline"].MemberEnd();
         ++p) {
      names.emplace_back(p->name.GetString());
    }
  }
  std::sort(names.begin(), names.end());
  auto p = Paginate(names, page, [](const std::string& x) { return x; });
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& n : p.items) {
    list.PushBack(Str(n, a), a);
  }
  out.AddMember("PolicyNames", std::move(list), a);
  SetPageInfo(out, p.next_marker);
  return out;
}

Result<Output> PutBoundary(IamStore& s, IamState& state, const std::string& account,
                           const Holder& h, ParamReader& in) {
  std::string name = in.String(h.name_member);
  std::string arn = in.String("PermissionsBoundary");
  auto holder = RequireHolder(s, account, h, name);
  if (!holder) {
    return holder.error();
  }
  if (state.ManagedPolicyDocument(account, arn).empty()) {
    return errors::InvalidInput("ARN " + arn + " is not valid.");
  }
  auto& a = (*holder)->GetAllocator();
  (*holder)->RemoveMember("PermissionsBoundary");
  (*holder)->AddMember("PermissionsBoundary", BoundaryValue(arn, a), a);
  s.Save(account, h.kind, KeyOf(name));
  return EmptyOutput();
}

Result<Output> DeleteBoundary(IamStore& s, const std::string& account, const Holder& h,
                              ParamReader& in) {
  std::string name = in.String(h.name_member);
  auto holder = RequireHolder(s, account, h, name);
  if (!holder) {
    return holder.error();
  }
  (*holder)->RemoveMember("PermissionsBoundary");
  s.Save(account, h.kind, KeyOf(name));
  return EmptyOutput();
}

}  // namespace

// Read by iam_reports.cc.
rapidjson::Value ManagedPolicyOut(IamStore& s, const std::string& account, const std::string& arn,
                                  const rapidjson::Value* stored, Alloc& a) {
  return PolicyOut(s, account, arn, stored, a);
}

Result<Output> IamService::CreatePolicy(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("PolicyName");
  std::string path = in.String("Path", "/");
  std::string document = in.String("PolicyDocument");
  auto description = in.OptString("Description");
  if (in.error()) {
    return *in.error();
  }
  if (auto e = CheckName(name, "policyName", 128)) {
    return *e;
  }
  if (auto e = CheckPath(path, "path")) {
    return *e;
  }
  if (NonSpaceSize(document) > kMaxManagedPolicySize) {
    return errors::LimitExceeded("Cannot exceed quota for PolicySize: 6144");
  }
  if (auto doc = ParsePolicy(document, PolicyKind::kIdentity); !doc) {
    return doc.error();
  }
  const std::string& account = ctx.scope.account_id;
  for (const auto& [arn, p] : store().All(account, Kind::kPolicy)) {
    if (KeyOf(StringMember(p, "PolicyName")) == KeyOf(name)) {
      return errors::EntityAlreadyExists("A policy called " + name +
                                         " already exists. Duplicate names are not allowed.");
    }
  }
  std::string now = NowIso(Now(ctx));
  std::string arn = "arn:aws:iam::" + account + ":policy" + path + name;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("PolicyName", Str(name, a), a);
  d.AddMember("PolicyId", Str(NewUniqueId("ANPA"), a), a);
  d.AddMember("Arn", Str(arn, a), a);
  d.AddMember("Path", Str(path, a), a);
  d.AddMember("DefaultVersionId", "v1", a);
  d.AddMember("IsAttachable", true, a);
  if (description) {
    d.AddMember("Description", Str(*description, a), a);
  }
  d.AddMember("CreateDate", Str(now, a), a);
  d.AddMember("UpdateDate", Str(now, a), a);
  if (auto e = MergeTags(d, in.Value("Tags"), a)) {
    return *e;
  }
  rapidjson::Value versions(rapidjson::kArrayType);
  rapidjson::Value v(rapidjson::kObjectType);
  v.AddMember("Document", Str(document, a), a);
  v.AddMember("VersionId", "v1", a);
  v.AddMember("IsDefaultVersion", true, a);
  v.AddMember("CreateDate", Str(now, a), a);
  versions.PushBack(std::move(v), a);
  d.AddMember("_versions", std::move(versions), a);
  d.AddMember("_next_version", 2, a);
  auto& stored = store().Put(account, Kind::kPolicy, arn, std::move(d));
  Output out(rapidjson::kObjectType);
  rapidjson::Value p = PolicyOut(store(), account, arn, &stored, out.GetAllocator());
  p.RemoveMember("Description");  // AWS: CreatePolicy's answer leaves it out
  out.AddMember("Policy", std::move(p), out.GetAllocator());
  return out;
}

namespace {

// A customer policy by ARN, or an error; AWS managed policies answer read-only calls only.
Result<rapidjson::Document*> RequireCustomerPolicy(IamStore& s, const std::string& account,
                                                   const std::string& arn) {
  if (auto* p = s.Find(ArnAccount(arn).empty() ? account : ArnAccount(arn), Kind::kPolicy, arn)) {
    return p;
  }
  return errors::NoSuchEntity("Policy " + arn + " was not found.");
}

}  // namespace

Result<Output> IamService::GetPolicy(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("PolicyArn");
  const std::string& account = ctx.scope.account_id;
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  if (FindAwsManagedPolicy(arn)) {
    out.AddMember("Policy", PolicyOut(store(), account, arn, nullptr, a), a);
    return out;
  }
  auto p = RequireCustomerPolicy(store(), account, arn);
  if (!p) {
    return p.error();
  }
  out.AddMember("Policy", PolicyOut(store(), account, arn, *p, a), a);
  return out;
}

Result<Output> IamService::ListPolicies(RequestContext& ctx, ParamReader& in) {
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  std::string scope = in.String("Scope", "All");
  bool only_attached = in.Bool("OnlyAttached");
  std::string prefix = in.String("PathPrefix", "/");
  std::string usage = in.String("PolicyUsageFilter");
  const std::string& account = ctx.scope.account_id;
  std::vector<std::pair<std::string, const rapidjson::Value*>> all;
  if (scope == "All" || scope == "AWS") {
    for (const auto& p : AwsManagedPolicies()) {
      if (std::string(p.path).rfind(prefix, 0) == 0) {
        all.emplace_back(AwsManagedPolicyArn(p), nullptr);
      }
    }
  }
  if (scope == "All" || scope == "Local") {
    for (const auto& [arn, doc] : store().All(account, Kind::kPolicy)) {
      if (StringMember(doc, "Path").rfind(prefix, 0) == 0) {
        all.emplace_back(arn, &doc);
      }
    }
  }
  std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::pair<std::string, const rapidjson::Value*>> filtered;
  for (const auto& item : all) {
    Usage u = UsageOf(store(), account, item.first);
    if (only_attached && u.attachments + u.boundaries == 0) {
      continue;
    }
    if (usage == "PermissionsPolicy" && u.attachments == 0 && only_attached) {
      continue;
    }
    if (usage == "PermissionsBoundary" && u.boundaries == 0 && only_attached) {
      continue;
    }
    filtered.push_back(item);
  }
  auto p = Paginate(filtered, page, PairKey);
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& [arn, doc] : p.items) {
    rapidjson::Value v = PolicyOut(store(), account, arn, doc, a);
    v.RemoveMember("Description");  // AWS: ListPolicies leaves out descriptions and tags
    v.RemoveMember("Tags");
    list.PushBack(std::move(v), a);
  }
  out.AddMember("Policies", std::move(list), a);
  SetPageInfo(out, p.next_marker);
  return out;
}

Result<Output> IamService::DeletePolicy(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("PolicyArn");
  const std::string& account = ctx.scope.account_id;
  auto p = RequireCustomerPolicy(store(), account, arn);
  if (!p) {
    return p.error();
  }
  Usage u = UsageOf(store(), account, arn);
  if (u.attachments + u.boundaries > 0) {
    return errors::DeleteConflict("Cannot delete a policy attached to entities.");
  }
  if ((**p)["_versions"].Size() > 1) {
    return errors::DeleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete "
        "the policy's versions. The default version is deleted with the policy.");
  }
  store().Erase(ArnAccount(arn), Kind::kPolicy, arn);
  return EmptyOutput();
}

Result<Output> IamService::CreatePolicyVersion(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("PolicyArn");
  std::string document = in.String("PolicyDocument");
  bool set_default = in.Bool("SetAsDefault");
  const std::string& account = ctx.scope.account_id;
  auto p = RequireCustomerPolicy(store(), account, arn);
  if (!p) {
    return p.error();
  }
  if (NonSpaceSize(document) > kMaxManagedPolicySize) {
    return errors::LimitExceeded("Cannot exceed quota for PolicySize: 6144");
  }
  if (auto doc = ParsePolicy(document, PolicyKind::kIdentity); !doc) {
    return doc.error();
  }
  auto& policy = **p;
  auto& a = policy.GetAllocator();
  auto& versions = policy["_versions"];
  if (versions.Size() >= kMaxVersions) {
    return errors::LimitExceeded(
        "A managed policy can have up to 5 versions. Before you create a new version, you "
        "must delete an existing version.");
  }
  int64_t n = policy["_next_version"].GetInt64();
  std::string id = "v" + std::to_string(n);
  policy["_next_version"] = n + 1;
  std::string now = NowIso(Now(ctx));
  if (set_default) {
    for (auto& v : versions.GetArray()) {
      v["IsDefaultVersion"] = false;
    }
    policy["DefaultVersionId"] = Str(id, a);
  }
  policy["UpdateDate"] = Str(now, a);
  rapidjson::Value v(rapidjson::kObjectType);
  v.AddMember("Document", Str(document, a), a);
  v.AddMember("VersionId", Str(id, a), a);
  v.AddMember("IsDefaultVersion", set_default, a);
  v.AddMember("CreateDate", Str(now, a), a);
  versions.PushBack(std::move(v), a);
  store().Save(ArnAccount(arn), Kind::kPolicy, arn);
  Output out(rapidjson::kObjectType);
  rapidjson::Value version = VersionOut(versions[versions.Size() - 1], out.GetAllocator());
  version.RemoveMember("Document");  // AWS: CreatePolicyVersion doesn't echo the document
  out.AddMember("PolicyVersion", std::move(version), out.GetAllocator());
  return out;
}

Result<Output> IamService::GetPolicyVersion(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("PolicyArn");
  std::string id = in.String("VersionId");
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  if (const auto* aws = FindAwsManagedPolicy(arn)) {
    if (id != "v1") {
      return errors::NoSuchEntity("Policy " + arn + " version " + id + " does not exist or is not attachable.");
    }
    rapidjson::Value v(rapidjson::kObjectType);
    v.AddMember("Document", Str(UrlEncode(aws->document), a), a);
    v.AddMember("VersionId", "v1", a);
    v.AddMember("IsDefaultVersion", true, a);
    v.AddMember("CreateDate", "2015-02-06T18:39:46Z", a);
    out.AddMember("PolicyVersion", std::move(v), a);
    return out;
  }
  auto p = RequireCustomerPolicy(store(), ctx.scope.account_id, arn);
  if (!p) {
    return p.error();
  }
  for (const auto& v : (**p)["_versions"].GetArray()) {
    if (StringMember(v, "VersionId") == id) {
      out.AddMember("PolicyVersion", VersionOut(v, a), a);
      return out;
    }
  }
  return errors::NoSuchEntity("Policy " + arn + " version " + id +
                              " does not exist or is not attachable.");
}

Result<Output> IamService::ListPolicyVersions(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("PolicyArn");
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  if (FindAwsManagedPolicy(arn)) {
    rapidjson::Value v(rapidjson::kObjectType);
    v.AddMember("VersionId", "v1", a);
    v.AddMember("IsDefaultVersion", true, a);
    v.AddMember("CreateDate", "2015-02-06T18:39:46Z", a);
    list.PushBack(std::move(v), a);
  } else {
    auto p = RequireCustomerPolicy(store(), ctx.scope.account_id, arn);
    if (!p) {
      return p.error();
    }
    const auto& versions = (**p)["_versions"];
    // AWS lists the newest version first.
    for (auto it = versions.End(); it != versions.Begin();) {
      --it;
      rapidjson::Value v = VersionOut(*it, a);
      v.RemoveMember("Document");
      list.PushBack(std::move(v), a);
    }
  }
  out.AddMember("Versions", std::move(list), a);
  out.AddMember("IsTruncated", false, a);
  return out;
}

Result<Output> IamService::DeletePolicyVersion(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("PolicyArn");
  std::string id = in.String("VersionId");
  auto p = RequireCustomerPolicy(store(), ctx.scope.account_id, arn);
  if (!p) {
    return p.error();
  }
  auto& versions = (**p)["_versions"];
  for (auto it = versions.Begin(); it != versions.End(); ++it) {
    if (StringMember(*it, "VersionId") == id) {
      if ((*it)["IsDefaultVersion"].GetBool()) {
        return errors::DeleteConflict("Cannot delete the default version of a policy.");
      }
      versions.Erase(it);
      store().Save(ArnAccount(arn), Kind::kPolicy, arn);
      return EmptyOutput();
    }
  }
  return errors::NoSuchEntity("Policy " + arn + " version " + id +
                              " does not exist or is not attachable.");
}

Result<Output> IamService::SetDefaultPolicyVersion(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("PolicyArn");
  std::string id = in.String("VersionId");
  auto p = RequireCustomerPolicy(store(), ctx.scope.account_id, arn);
  if (!p) {
    return p.error();
  }
  auto& policy = **p;
  bool found = false;
  for (auto& v : policy["_versions"].GetArray()) {
    bool is = StringMember(v, "VersionId") == id;
    found = found || is;
  }
  if (!found) {
    return errors::NoSuchEntity("Policy " + arn + " version " + id +
                                " does not exist or is not attachable.");
  }
  for (auto& v : policy["_versions"].GetArray()) {
    v["IsDefaultVersion"] = StringMember(v, "VersionId") == id;
  }
  policy["DefaultVersionId"] = Str(id, policy.GetAllocator());
  policy["UpdateDate"] = Str(NowIso(Now(ctx)), policy.GetAllocator());
  store().Save(ArnAccount(arn), Kind::kPolicy, arn);
  return EmptyOutput();
}

Result<Output> IamService::TagPolicy(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("PolicyArn");
  auto p = RequireCustomerPolicy(store(), ctx.scope.account_id, arn);
  if (!p) {
    return p.error();
  }
  return TagAndSave(store(), ArnAccount(arn), Kind::kPolicy, arn, **p, in);
}

Result<Output> IamService::UntagPolicy(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("PolicyArn");
  auto p = RequireCustomerPolicy(store(), ctx.scope.account_id, arn);
  if (!p) {
    return p.error();
  }
  return UntagAndSave(store(), ArnAccount(arn), Kind::kPolicy, arn, **p, in);
}

Result<Output> IamService::ListPolicyTags(RequestContext& ctx, ParamReader& in) {
  auto p = RequireCustomerPolicy(store(), ctx.scope.account_id, in.String("PolicyArn"));
  if (!p) {
    return p.error();
  }
  return TagsOutput(**p);
}

Result<Output> IamService::AttachUserPolicy(RequestContext& ctx, ParamReader& in) {
  return Attach(store(), *state_, ctx.scope.account_id, kUserHolder, in);
}
Result<Output> IamService::AttachGroupPolicy(RequestContext& ctx, ParamReader& in) {
  return Attach(store(), *state_, ctx.scope.account_id, kGroupHolder, in);
}
Result<Output> IamService::AttachRolePolicy(RequestContext& ctx, ParamReader& in) {
  return Attach(store(), *state_, ctx.scope.account_id, kRoleHolder, in);
}
Result<Output> IamService::DetachUserPolicy(RequestContext& ctx, ParamReader& in) {
  return Detach(store(), ctx.scope.account_id, kUserHolder, in);
}
Result<Output> IamService::DetachGroupPolicy(RequestContext& ctx, ParamReader& in) {
  return Detach(store(), ctx.scope.account_id, kGroupHolder, in);
}
Result<Output> IamService::DetachRolePolicy(RequestContext& ctx, ParamReader& in) {
  return Detach(store(), ctx.scope.account_id, kRoleHolder, in);
}
Result<Output> IamService::ListAttachedUserPolicies(RequestContext& ctx, ParamReader& in) {
  return ListAttached(store(), ctx.scope.account_id, kUserHolder, in);
}
Result<Output> IamService::ListAttachedGroupPolicies(RequestContext& ctx, ParamReader& in) {
  return ListAttached(store(), ctx.scope.account_id, kGroupHolder, in);
}
Result<Output> IamService::ListAttachedRolePolicies(RequestContext& ctx, ParamReader& in) {
  return ListAttached(store(), ctx.scope.account_id, kRoleHolder, in);
}
Result<Output> IamService::PutUserPolicy(RequestContext& ctx, ParamReader& in) {
  return PutInline(store(), ctx.scope.account_id, kUserHolder, in);
}
Result<Output> IamService::PutGroupPolicy(RequestContext& ctx, ParamReader& in) {
  return PutInline(store(), ctx.scope.account_id, kGroupHolder, in);
}
Result<Output> IamService::PutRolePolicy(RequestContext& ctx, ParamReader& in) {
  return PutInline(store(), ctx.scope.account_id, kRoleHolder, in);
}
Result<Output> IamService::GetUserPolicy(RequestContext& ctx, ParamReader& in) {
  return GetInline(store(), ctx.scope.account_id, kUserHolder, in);
}
Result<Output> IamService::GetGroupPolicy(RequestContext& ctx, ParamReader& in) {
  return GetInline(store(), ctx.scope.account_id, kGroupHolder, in);
}
Result<Output> IamService::GetRolePolicy(RequestContext& ctx, ParamReader& in) {
  return GetInline(store(), ctx.scope.account_id, kRoleHolder, in);
}
Result<Output> IamService::DeleteUserPolicy(RequestContext& ctx, ParamReader& in) {
  return DeleteInline(store(), ctx.scope.account_id, kUserHolder, in);
}
Result<Output> IamService::DeleteGroupPolicy(RequestContext& ctx, ParamReader& in) {
  return DeleteInline(store(), ctx.scope.account_id, kGroupHolder, in);
}
Result<Output> IamService::DeleteRolePolicy(RequestContext& ctx, ParamReader& in) {
  return DeleteInline(store(), ctx.scope.account_id, kRoleHolder, in);
}
Result<Output> IamService::ListUserPolicies(RequestContext& ctx, ParamReader& in) {
  return ListInline(store(), ctx.scope.account_id, kUserHolder, in);
}
Result<Output> IamService::ListGroupPolicies(RequestContext& ctx, ParamReader& in) {
  return ListInline(store(), ctx.scope.account_id, kGroupHolder, in);
}
Result<Output> IamService::ListRolePolicies(RequestContext& ctx, ParamReader& in) {
  return ListInline(store(), ctx.scope.account_id, kRoleHolder, in);
}
Result<Output> IamService::PutUserPermissionsBoundary(RequestContext& ctx, ParamReader& in) {
  return PutBoundary(store(), *state_, ctx.scope.account_id, kUserHolder, in);
}
Result<Output> IamService::PutRolePermissionsBoundary(RequestContext& ctx, ParamReader& in) {
  return PutBoundary(store(), *state_, ctx.scope.account_id, kRoleHolder, in);
}
Result<Output> IamService::DeleteUserPermissionsBoundary(RequestContext& ctx, ParamReader& in) {
  return DeleteBoundary(store(), ctx.scope.account_id, kUserHolder, in);
}
Result<Output> IamService::DeleteRolePermissionsBoundary(RequestContext& ctx, ParamReader& in) {
  return DeleteBoundary(store(), ctx.scope.account_id, kRoleHolder, in);
}

}  // namespace nimbus::iam
