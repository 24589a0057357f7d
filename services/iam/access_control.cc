#include "services/iam/access_control.h"

#include <cstdio>

#include "services/common/base64.h"
#include "services/iam/action_tables/action_table.h"
#include "services/iam/iam_util.h"

namespace nimbus::iam {
namespace asio = boost::asio;

namespace {

rapidjson::Document OneParam(const char* name, const std::string& value) {
  rapidjson::Document d(rapidjson::kObjectType);
  d.AddMember(rapidjson::StringRef(name), Str(value, d.GetAllocator()), d.GetAllocator());
  return d;
}

rapidjson::Document QueuePolicyParams(const std::string& url) {
  rapidjson::Document p = OneParam("QueueUrl", url);
  rapidjson::Value names(rapidjson::kArrayType);
  names.PushBack(rapidjson::StringRef("Policy"), p.GetAllocator());
  p.AddMember("AttributeNames", std::move(names), p.GetAllocator());
  return p;
}

std::string Member(const rapidjson::Value& v, const char* outer, const char* inner) {
  if (!v.IsObject() || !v.HasMember(outer)) {
    return {};
  }
  return inner == nullptr ? StringMember(v, outer) : StringMember(v[outer], inner);
}

// Scope of the account and region named by a resource ARN.
Scope ScopeOf(const std::string& arn, const Scope& fallback) {
  Scope s = fallback;
  std::string account = ArnAccount(arn);
  if (!account.empty()) {
    s.account_id = account;
  }
  // arn:aws:<svc>:<region>:...
  auto p1 = arn.find(':', 4);
  auto p2 = p1 == std::string::npos ? p1 : arn.find(':', p1 + 1);
  auto p3 = p2 == std::string::npos ? p2 : arn.find(':', p2 + 1);
  if (p3 != std::string::npos && p3 > p2 + 1) {
    s.region = arn.substr(p2 + 1, p3 - p2 - 1);
  }
  return s;
}

// AssumeRoleWithWebIdentity: the token's issuer is the federated principal; its claims are the
// provider's condition keys (token.actions.githubusercontent.com:sub, accounts.google.com:aud).
void AddWebIdentityKeys(const rapidjson::Value& params, RequestFacts& f) {
  std::string token = StringMember(params, "WebIdentityToken");
  rapidjson::Document claims;
  auto first = token.find('.');
  auto second = first == std::string::npos ? first : token.find('.', first + 1);
  if (second != std::string::npos) {
    std::string payload = token.substr(first + 1, second - first - 1);
    while (payload.size() % 4 != 0) {
      payload += '=';
    }
    if (auto json = Base64Decode(payload)) {
      claims.Parse(json->c_str(), json->size());
    }
  }
  std::string provider = StringMember(params, "ProviderId");
  if (provider.empty() && claims.IsObject()) {
    provider = StringMember(claims, "iss");
  }
  if (provider.rfind("https://", 0) == 0) {
    provider = provider.substr(8);
  }
  if (provider.empty()) {
    return;
  }
  f.Set("nimbus:FederatedProvider", provider);
  if (!claims.IsObject()) {
    return;
  }
  for (const char* claim : {"sub", "aud", "azp", "amr", "email"}) {
    auto it = claims.FindMember(claim);
    if (it == claims.MemberEnd()) {
      continue;
    }
    std::vector<std::string> values;
    if (it->value.IsString()) {
      values.emplace_back(it->value.GetString());
    } else if (it->value.IsArray()) {
      for (const auto& v : it->value.GetArray()) {
        if (v.IsString()) {
          values.emplace_back(v.GetString());
        }
      }
    }
    f.context[KeyOf(provider + ":" + claim)] = std::move(values);
  }
}

RequestFacts FactsFor(const Principal& p, const AccessRequest& r, const ResolvedAction& action,
                      double now) {
  RequestFacts f;
  f.action = action.action;
  f.resource = action.resource;
  f.principal_arn = p.arn;
  f.principal_account = p.account_id;
  if (!p.role_arn.empty()) {
    f.principal_aliases.push_back(p.role_arn);
  }
  // AWS: for role sessions aws:PrincipalArn is the role's ARN.
  f.Set("aws:PrincipalArn", p.role_arn.empty() ? p.arn : p.role_arn);
  f.Set("aws:PrincipalAccount", p.account_id);
  f.Set("aws:userid", p.user_id);
  f.Set("aws:PrincipalType", p.kind == Principal::Kind::kUser            ? "User"
                             : p.kind == Principal::Kind::kAssumedRole   ? "AssumedRole"
                             : p.kind == Principal::Kind::kFederatedUser ? "FederatedUser"
                                                                         : "Account");
  if (p.kind == Principal::Kind::kUser) {
    f.Set("aws:username", p.name);
  }
  if (!p.session_name.empty()) {
    f.Set("aws:RoleSessionName", p.session_name);
  }
  f.Set("aws:RequestedRegion", r.scope.region);
  f.Set("aws:CurrentTime", NowIso(now));
  f.Set("aws:EpochTime", std::to_string(static_cast<int64_t>(now)));
  f.Set("aws:SecureTransport", r.secure_transport ? "true" : "false");
  if (!r.source_ip.empty()) {
    f.Set("aws:SourceIp", r.source_ip);
  }
  f.Set("aws:ResourceAccount", ArnAccount(action.resource).empty() ? r.scope.account_id
                                                                    : ArnAccount(action.resource));
  if (r.params != nullptr && r.params->IsObject()) {
    if (r.service == "sts" && r.operation == "AssumeRoleWithWebIdentity") {
      AddWebIdentityKeys(*r.params, f);
    }
    if (r.service == "sts") {
      std::string session = StringMember(*r.params, "RoleSessionName");
      if (!session.empty()) {
        f.Set("sts:RoleSessionName", session);
      }
      std::string external = StringMember(*r.params, "ExternalId");
      if (!external.empty()) {
        f.Set("sts:ExternalId", external);
      }
    }
  }
  return f;
}

// The role a call hands to a service, when it does (Lambda's CreateFunction and
// UpdateFunctionConfiguration name the execution role).
std::string PassedRole(const AccessRequest& r) {
  if (r.service != "lambda" || r.params == nullptr ||
      (r.operation != "CreateFunction" && r.operation != "UpdateFunctionConfiguration")) {
    return {};
  }
  return StringMember(*r.params, "Role");
}

}  // namespace

asio::awaitable<Result<SigningIdentity>> IamAccessControl::Identify(std::string access_key_id,
                                                                    std::string session_token) {
  co_return co_await RunOnStrand(state_->strand(), [this, &access_key_id, &session_token] {
    return state_->Identify(access_key_id, session_token);
  });
}

asio::awaitable<std::string> IamAccessControl::ResourcePolicy(const AccessRequest& r,
                                                              const std::string& resource) {
  ServiceClient* client = state_->client();
  if (client == nullptr || resource == "*" || r.params == nullptr) {
    co_return std::string();
  }
  Scope scope = ScopeOf(resource, r.scope);
  if (r.service == "sqs") {
    std::string url = StringMember(*r.params, "QueueUrl");
    if (url.empty()) {
      co_return std::string();
    }
    rapidjson::Document params = QueuePolicyParams(url);
    auto res = co_await client->Call("sqs", "GetQueueAttributes", scope, std::move(params));
    co_return res ? Member(*res, "Attributes", "Policy") : std::string();
  }
  if (r.service == "sns" && resource.rfind("arn:aws:sns:", 0) == 0) {
    rapidjson::Document params = OneParam("TopicArn", resource);
    auto res = co_await client->Call("sns", "GetTopicAttributes", scope, std::move(params));
    co_return res ? Member(*res, "Attributes", "Policy") : std::string();
  }
  if (r.service == "lambda" && resource.find(":function:") != std::string::npos) {
    // The function's policy (a qualified ARN asks for the version's or alias's policy).
    rapidjson::Document params = OneParam("FunctionName", resource);
    auto res = co_await client->Call("lambda", "GetPolicy", scope, std::move(params));
    co_return res ? Member(*res, "Policy", nullptr) : std::string();
  }
  co_return std::string();
}

asio::awaitable<AccessDecision> IamAccessControl::Authorize(const Principal& principal,
                                                            const AccessRequest& r) {
  ActionInput in{r.params, r.scope, "", ""};
  in.http_method = r.http_method;
  in.path = r.path;
  ResolvedAction action = ResolveAction(r.service, r.operation, in);
  AccessDecision decision;
  decision.action = action.action;
  decision.resource = action.resource;
  if (action.action.empty()) {
    decision.explanation = principal.arn + " " + r.service + ":" + r.operation +
                           ": allowed (no permission needed)";
    co_return decision;
  }
  if (principal.IsRoot()) {
    decision.explanation = principal.arn + " " + action.action + " on " + action.resource +
                           ": allowed (account root)";
    co_return decision;
  }
  std::string resource_policy;
  bool is_assume = r.service == "sts" && action.action.rfind("sts:AssumeRole", 0) == 0;
  if (!is_assume) {
    resource_policy = co_await ResourcePolicy(r, action.resource);
  }
  Evaluation ev;
  RequestFacts facts;
  co_await RunOnStrand(state_->strand(), [&] {
    PolicySet set = state_->PoliciesFor(principal);
    facts = FactsFor(principal, r, action, state_->clock().NowSeconds());
    for (const auto& [k, v] : state_->PrincipalTags(principal)) {
      facts.Set("aws:PrincipalTag/" + k, v);
    }
    std::string text = resource_policy;
    if (is_assume) {
      if (auto role_arn = ParseRoleArn(action.resource)) {
        if (auto* role = state_->store().Find(role_arn->first, Kind::kRole,
                                              KeyOf(role_arn->second))) {
          text = StringMember(*role, "AssumeRolePolicyDocument");
        }
      }
    }
    if (!text.empty()) {
      set.resource.push_back({is_assume ? "trust policy of " + action.resource
                                        : "resource policy of " + action.resource,
                              "resource", state_->Parsed(text)});
      if (principal.kind != Principal::Kind::kAnonymous) {
        set.resource_account = ArnAccount(action.resource);
      }
    }
    ev = Evaluate(set, facts);
    // AWS: handing a role to a service (a function's execution role) also needs iam:PassRole
    // on that role.
    std::string passed = PassedRole(r);
    if (ev.decision == Decision::kAllowed && !passed.empty()) {
      PolicySet identity_only = state_->PoliciesFor(principal);
      RequestFacts pass = facts;
      pass.action = "iam:PassRole";
      pass.resource = passed;
      pass.Set("iam:PassedToService", r.service + ".amazonaws.com");
      Evaluation pass_ev = Evaluate(identity_only, pass);
      if (pass_ev.decision != Decision::kAllowed) {
        ev = std::move(pass_ev);
        facts = std::move(pass);
        decision.action = "iam:PassRole";
        decision.resource = passed;
      }
    }
    if (is_assume && ev.decision == Decision::kAllowed &&
        std::none_of(ev.matched.begin(), ev.matched.end(),
                     [](const MatchedStatement& m) { return m.policy_type == "resource"; })) {
      // AWS: a role can only be assumed when its trust policy allows the caller.
      ev.decision = Decision::kImplicitDeny;
      ev.matched.clear();
    }
    return 0;
  });
  decision.allowed = ev.decision == Decision::kAllowed;
  decision.explanation = ev.Explain(facts);
  decision.explicit_deny = ev.decision == Decision::kExplicitDeny;
  decision.has_resource_policy = !resource_policy.empty() || is_assume;
  co_return decision;
}

}  // namespace nimbus::iam
