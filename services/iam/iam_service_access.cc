// ListPoliciesGrantingServiceAccess, SetSecurityTokenServicePreferences, and the Organizations
// features of IAM, which a standalone account answers with OrganizationNotFoundException.
#include <algorithm>

#include "services/iam/iam_internal.h"
#include "services/iam/iam_service.h"
#include "services/iam/policy/evaluator.h"
#include "services/iam/policy/policy_document.h"

namespace nimbus::iam {
namespace {

constexpr size_t kMaxNamespaces = 200;

// Whether a document allows some action of service `ns` ("sqs"): an Allow whose Action names
// the service (or a wildcard covering it), or whose NotAction leaves some of it.
bool Grants(const PolicyDocument& doc, const std::string& ns) {
  for (const auto& st : doc.statements) {
    if (!st.allow) {
      continue;
    }
    bool names = std::any_of(st.actions.begin(), st.actions.end(), [&](const std::string& a) {
      auto colon = a.find(':');
      std::string service = colon == std::string::npos ? a : a.substr(0, colon);
      return WildcardMatch(service, ns, true);
    });
    if (st.not_action ? !std::any_of(st.actions.begin(), st.actions.end(),
                                     [&](const std::string& a) {
                                       return a == "*" || KeyOf(a) == KeyOf(ns + ":*");
                                     })
                      : names) {
      return true;
    }
  }
  return false;
}

struct OwnedPolicy {
  std::string name;
  std::string type;  // INLINE | MANAGED
  std::string arn;   // managed only
  std::string entity_type;  // USER | ROLE | GROUP
  std::string entity_name;
  std::shared_ptr<const PolicyDocument> doc;
};

void Collect(IamState& state, const std::string& account, const rapidjson::Value& entity,
             const char* entity_type, const std::string& entity_name,
             std::vector<OwnedPolicy>& out) {
  if (auto it = entity.FindMember("_inline"); it != entity.MemberEnd()) {
    for (auto p = it->value.MemberBegin(); p != it->value.MemberEnd(); ++p) {
      out.push_back({p->name.GetString(), "INLINE", "", entity_type, entity_name,
                     state.Parsed(p->value.GetString())});
    }
  }
  if (auto it = entity.FindMember("_attached"); it != entity.MemberEnd()) {
    for (const auto& arn : it->value.GetArray()) {
      std::string a = arn.GetString();
      out.push_back({a.substr(a.rfind('/') + 1), "MANAGED", a, entity_type, entity_name,
                     state.Parsed(state.ManagedPolicyDocument(account, a))});
    }
  }
}

AwsError NoOrganization() {
  return AwsError::Sender("OrganizationNotFoundException",
                          "The request failed because your account is not a member of an "
                          "organization.",
                          400);
}

}  // namespace

Result<Output> IamService::ListPoliciesGrantingServiceAccess(RequestContext& ctx,
                                                             ParamReader& in) {
  std::string arn = in.String("Arn");
  auto namespaces = StringList(in.Value("ServiceNamespaces"));
  if (in.error()) {
    return *in.error();
  }
  if (namespaces.empty() || namespaces.size() > kMaxNamespaces) {
    return errors::InvalidInput("ServiceNamespaces must list 1 to 200 service namespaces.");
  }
  const std::string& account = ctx.scope.account_id;
  auto colon = arn.find(':', 13);
  if (arn.rfind("arn:aws:iam::", 0) != 0 || colon == std::string::npos) {
    return errors::InvalidInput("ARN " + arn + " is not valid.");
  }
  std::string kind = arn.substr(colon + 1, arn.find('/', colon) - colon - 1);
  std::string name = arn.substr(arn.rfind('/') + 1);
  std::vector<OwnedPolicy> policies;
  if (kind == "user") {
    auto user = RequireUser(store(), account, name);
    if (!user) {
      return user.error();
    }
    Collect(*state_, account, **user, "USER", StringMember(**user, "UserName"), policies);
    if ((*user)->HasMember("_groups")) {
      for (const auto& g : (**user)["_groups"].GetArray()) {
        if (auto* group = FindNamed(store(), account, Kind::kGroup, g.GetString())) {
          Collect(*state_, account, *group, "GROUP", g.GetString(), policies);
        }
      }
    }
  } else if (kind == "role") {
    auto role = RequireRole(store(), account, name);
    if (!role) {
      return role.error();
    }
    Collect(*state_, account, **role, "ROLE", StringMember(**role, "RoleName"), policies);
  } else if (kind == "group") {
    auto group = RequireGroup(store(), account, name);
    if (!group) {
      return group.error();
    }
    Collect(*state_, account, **group, "GROUP", StringMember(**group, "GroupName"), policies);
  } else {
    return errors::InvalidInput("ARN " + arn + " is not valid.");
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& ns : namespaces) {
    rapidjson::Value entry(rapidjson::kObjectType);
    entry.AddMember("ServiceNamespace", Str(ns, a), a);
    rapidjson::Value granted(rapidjson::kArrayType);
    for (const auto& p : policies) {
      if (!p.doc || !Grants(*p.doc, ns)) {
        continue;
      }
      rapidjson::Value g(rapidjson::kObjectType);
      g.AddMember("PolicyName", Str(p.name, a), a);
      g.AddMember("PolicyType", Str(p.type, a), a);
      if (!p.arn.empty()) {
        g.AddMember("PolicyArn", Str(p.arn, a), a);
      }
      if (p.type == "INLINE") {  // AWS: null for managed policies
        g.AddMember("EntityType", Str(p.entity_type, a), a);
        g.AddMember("EntityName", Str(p.entity_name, a), a);
      }
      granted.PushBack(std::move(g), a);
    }
    entry.AddMember("Policies", std::move(granted), a);
    list.PushBack(std::move(entry), a);
  }
  out.AddMember("PoliciesGrantingServiceAccess", std::move(list), a);
  out.AddMember("IsTruncated", false, a);
  return out;
}

Result<Output> IamService::SetSecurityTokenServicePreferences(RequestContext& ctx,
                                                              ParamReader& in) {
  std::string version = in.String("GlobalEndpointTokenVersion");
  if (version != "v1Token" && version != "v2Token") {
    return errors::ValidationField(version, "globalEndpointTokenVersion",
                                   "Member must satisfy enum value set: [v1Token, v2Token]");
  }
  rapidjson::Document d(rapidjson::kObjectType);
  d.AddMember("GlobalEndpointTokenVersion", Str(version, d.GetAllocator()), d.GetAllocator());
  store().Put(ctx.scope.account_id, Kind::kAccountSettings, "sts-preferences", std::move(d));
  return EmptyOutput();
}

// Nimbus accounts are standalone: none belongs to an AWS Organization, so the organization-wide
// root access features answer as AWS does for such an account.
Result<Output> IamService::ListOrganizationsFeatures(RequestContext&, ParamReader&) {
  return NoOrganization();
}
Result<Output> IamService::EnableOrganizationsRootCredentialsManagement(RequestContext&,
                                                                        ParamReader&) {
  return NoOrganization();
}
Result<Output> IamService::DisableOrganizationsRootCredentialsManagement(RequestContext&,
                                                                         ParamReader&) {
  return NoOrganization();
}
Result<Output> IamService::EnableOrganizationsRootSessions(RequestContext&, ParamReader&) {
  return NoOrganization();
}
Result<Output> IamService::DisableOrganizationsRootSessions(RequestContext&, ParamReader&) {
  return NoOrganization();
}

}  // namespace nimbus::iam
