#include "services/iam/policy/evaluator.h"

#include <algorithm>
#include <cctype>

#include "services/iam/policy/conditions.h"

namespace nimbus::iam {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsAccountId(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isdigit(c);
         });
}

bool ActionMatches(const Statement& s, const std::string& action) {
  bool any = std::any_of(s.actions.begin(), s.actions.end(), [&](const std::string& p) {
    return WildcardMatch(p, action, true);
  });
  return s.not_action ? !any : any;
}

bool ResourceMatches(const Statement& s, const RequestFacts& facts, bool variables) {
  if (!s.has_resource) {
    return true;
  }
  bool any = std::any_of(s.resources.begin(), s.resources.end(), [&](const std::string& p) {
    if (!variables || p.find("${") == std::string::npos) {
      return WildcardMatch(p, facts.resource, false);
    }
    std::string expanded;
    return SubstituteVariables(p, facts, expanded) && WildcardMatch(expanded, facts.resource, false);
  });
  return s.not_resource ? !any : any;
}

// How a Principal element names the caller: not at all, through its account or role (an
// indirect match), or by its own ARN.
enum class PrincipalMatch { kNone, kIndirect, kDirect };

PrincipalMatch MatchPrincipalSet(const PrincipalSet& set, const RequestFacts& facts) {
  if (set.any) {
    return PrincipalMatch::kIndirect;
  }
  PrincipalMatch best = PrincipalMatch::kNone;
  for (const auto& [type, ids] : set.ids) {
    for (const auto& id : ids) {
      if (type == "AWS") {
        if (id == facts.principal_arn) {
          return PrincipalMatch::kDirect;
        }
        if ((IsAccountId(id) && id == facts.principal_account) ||
            id == "arn:aws:iam::" + facts.principal_account + ":root" ||
            std::find(facts.principal_aliases.begin(), facts.principal_aliases.end(), id) !=
                facts.principal_aliases.end()) {
          best = PrincipalMatch::kIndirect;
        }
      } else if (type == "Service") {
        if (!facts.principal_service.empty() && id == facts.principal_service) {
          return PrincipalMatch::kDirect;
        }
      } else if (type == "Federated") {
        // Web identity callers: the provider by name ("accounts.google.com") or by its IAM
        // OIDC provider ARN (arn:aws:iam::<a>:oidc-provider/<host/path>).
        const auto* provider = facts.Find("nimbus:FederatedProvider");
        if (provider != nullptr && !provider->empty() &&
            (provider->front() == id || id.ends_with(":oidc-provider/" + provider->front()))) {
          return PrincipalMatch::kDirect;
        }
      }
    }
  }
  return best;
}

PrincipalMatch PrincipalMatches(const Statement& s, const RequestFacts& facts) {
  if (!s.has_principal) {
    return PrincipalMatch::kIndirect;
  }
  PrincipalMatch m = MatchPrincipalSet(s.principal, facts);
  if (s.not_principal) {
    return m == PrincipalMatch::kNone ? PrincipalMatch::kIndirect : PrincipalMatch::kNone;
  }
  return m;
}

struct LayerResult {
  bool allow = false;
  bool deny = false;
  bool direct_allow = false;  // resource policies: an Allow naming the caller's own ARN
  std::vector<MatchedStatement> allows;
  std::vector<MatchedStatement> denies;
};

LayerResult EvaluateLayer(const std::vector<NamedPolicy>& policies, const RequestFacts& facts,
                          bool check_principal, std::vector<std::string>& missing) {
  LayerResult out;
  for (const auto& p : policies) {
    if (!p.doc) {
      continue;
    }
    bool variables = p.doc->version == "2012-10-17";
    for (size_t i = 0; i < p.doc->statements.size(); ++i) {
      const Statement& s = p.doc->statements[i];
      if (!ActionMatches(s, facts.action) || !ResourceMatches(s, facts, variables)) {
        continue;
      }
      PrincipalMatch pm = check_principal ? PrincipalMatches(s, facts) : PrincipalMatch::kIndirect;
      if (pm == PrincipalMatch::kNone) {
        continue;
      }
      bool conditions = true;
      for (const auto& c : s.conditions) {
        if (!EvaluateCondition(c, facts, variables, missing)) {
          conditions = false;
          break;
        }
      }
      if (!conditions) {
        continue;
      }
      MatchedStatement m{p.id, p.type, i, s.sid, s.allow};
      if (s.allow) {
        out.allow = true;
        out.direct_allow = out.direct_allow || pm == PrincipalMatch::kDirect;
        out.allows.push_back(std::move(m));
      } else {
        out.deny = true;
        out.denies.push_back(std::move(m));
      }
    }
  }
  return out;
}

std::string Describe(const MatchedStatement& m) {
  std::string out = m.policy_id + " statement " +
                    (m.sid.empty() ? "#" + std::to_string(m.index + 1) : "\"" + m.sid + "\"");
  return out;
}

}  // namespace

void RequestFacts::Set(const std::string& key, std::string value) {
  context[Lower(key)] = {std::move(value)};
}

const std::vector<std::string>* RequestFacts::Find(const std::string& key) const {
  auto it = context.find(Lower(key));
  return it == context.end() ? nullptr : &it->second;
}

bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  auto eq = [ignore_case](char a, char b) {
    return ignore_case ? std::tolower(static_cast<unsigned char>(a)) ==
                             std::tolower(static_cast<unsigned char>(b))
                       : a == b;
  };
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && eq(pattern[p], text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

Evaluation Evaluate(const PolicySet& policies, const RequestFacts& facts) {
  Evaluation ev;
  LayerResult identity = EvaluateLayer(policies.identity, facts, false, ev.missing_context);
  LayerResult resource = EvaluateLayer(policies.resource, facts, true, ev.missing_context);
  LayerResult boundary, session;
  if (policies.has_boundary) {
    boundary = EvaluateLayer(policies.boundary, facts, false, ev.missing_context);
  }
  if (policies.has_session) {
    session = EvaluateLayer(policies.session, facts, false, ev.missing_context);
  }
  for (auto* layer : {&identity, &resource, &boundary, &session}) {
    if (layer->deny) {
      ev.decision = Decision::kExplicitDeny;
      ev.matched.insert(ev.matched.end(), layer->denies.begin(), layer->denies.end());
    }
  }
  std::sort(ev.missing_context.begin(), ev.missing_context.end());
  ev.missing_context.erase(std::unique(ev.missing_context.begin(), ev.missing_context.end()),
                           ev.missing_context.end());
  if (ev.decision == Decision::kExplicitDeny) {
    return ev;
  }
  ev.boundary_denied = policies.has_boundary && !boundary.allow;
  ev.session_denied = policies.has_session && !session.allow;
  bool limits_ok = !ev.boundary_denied && !ev.session_denied;
  bool cross_account =
      !policies.resource_account.empty() && policies.resource_account != facts.principal_account;
  bool allowed = false;
  if (cross_account) {
    // AWS: across accounts both sides must allow.
    allowed = identity.allow && limits_ok && resource.allow;
  } else {
    // AWS: in one account a resource policy naming the caller's own ARN grants access even
    // outside a boundary; one naming its account or role is limited like identity policies.
    allowed = (identity.allow && limits_ok) || resource.direct_allow || (resource.allow && limits_ok);
  }
  if (allowed) {
    ev.decision = Decision::kAllowed;
    ev.matched = identity.allows;
    ev.matched.insert(ev.matched.end(), resource.allows.begin(), resource.allows.end());
    ev.missing_context.clear();
  } else {
    ev.decision = Decision::kImplicitDeny;
  }
  return ev;
}

std::string Evaluation::DecisionName() const {
  switch (decision) {
    case Decision::kAllowed:
      return "allowed";
    case Decision::kExplicitDeny:
      return "explicitDeny";
    case Decision::kImplicitDeny:
      break;
  }
  return "implicitDeny";
}

std::string Evaluation::Explain(const RequestFacts& facts) const {
  std::string subject = facts.principal_arn + " " + facts.action + " on " + facts.resource;
  if (decision == Decision::kAllowed) {
    std::string out = subject + ": allowed by ";
    for (size_t i = 0; i < matched.size(); ++i) {
      out += (i ? ", " : "") + Describe(matched[i]);
    }
    return out;
  }
  if (decision == Decision::kExplicitDeny) {
    return subject + ": explicitly denied by " + (matched.empty() ? "?" : Describe(matched[0]));
  }
  std::string out = subject + ": implicitly denied (";
  if (boundary_denied) {
    out += "the permissions boundary does not allow it";
  } else if (session_denied) {
    out += "the session policy does not allow it";
  } else {
    out += "no statement allows it";
  }
  if (!missing_context.empty()) {
    out += "; missing context keys:";
    for (const auto& k : missing_context) {
      out += " " + k;
    }
  }
  return out + ")";
}

}  // namespace nimbus::iam
