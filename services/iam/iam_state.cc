#include "services/iam/iam_state.h"

#include <algorithm>
#include <cctype>

#include "services/iam/aws_managed_policies.h"
#include "storage/database.h"

namespace nimbus::iam {
namespace {

bool IsAccountId(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isdigit(c);
         });
}

AwsError InvalidToken() {
  return AwsError::Sender("InvalidClientTokenId",
                          "The security token included in the request is invalid.", 403);
}

}  // namespace

std::string StringMember(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) {
    return {};
  }
  auto it = v.FindMember(name);
  if (it == v.MemberEnd() || !it->value.IsString()) {
    return {};
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string UserArn(const std::string& account, const std::string& path, const std::string& name) {
  return "arn:aws:iam::" + account + ":user" + path + name;
}

std::string RoleArn(const std::string& account, const std::string& path, const std::string& name) {
  return "arn:aws:iam::" + account + ":role" + path + name;
}

std::optional<std::pair<std::string, std::string>> ParseRoleArn(const std::string& arn) {
  // arn:aws:iam::<account>:role/<path/><name>
  const std::string prefix = "arn:aws:iam::";
  if (arn.rfind(prefix, 0) != 0) {
    return std::nullopt;
  }
  auto colon = arn.find(':', prefix.size());
  if (colon == std::string::npos || arn.compare(colon + 1, 5, "role/") != 0) {
    return std::nullopt;
  }
  std::string account = arn.substr(prefix.size(), colon - prefix.size());
  std::string name = arn.substr(arn.rfind('/') + 1);
  if (name.empty()) {
    return std::nullopt;
  }
  return std::make_pair(account, name);
}

std::string ArnAccount(const std::string& arn) {
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string::npos) {
      return {};
    }
    ++pos;
  }
  auto end = arn.find(':', pos);
  return end == std::string::npos ? std::string() : arn.substr(pos, end - pos);
}

void IamState::Start(const ServiceEnv& env) {
  strand_ = env.strand;
  client_ = env.client;
  clock_ = env.clock;
  auto open = env.open_database;
  store_.Init([open] { return std::make_unique<IamStore>(open("iam")); });
  parsed_.clear();
}

Result<SigningIdentity> IamState::Identify(const std::string& key_id,
                                           const std::string& session_token) {
  SigningIdentity out;
  if (key_id == "test" || IsAccountId(key_id)) {
    // AWS: LocalStack-style root credentials; a 12-digit key id names its account.
    out.secret = "test";
    out.principal.kind = Principal::Kind::kRoot;
    out.principal.account_id = IsAccountId(key_id) ? key_id : kDefaultAccountId;
    out.principal.arn = "arn:aws:iam::" + out.principal.account_id + ":root";
    out.principal.user_id = out.principal.account_id;
    out.principal.access_key_id = key_id;
    return out;
  }
  if (auto* key = store_->Find("", Kind::kAccessKey, key_id)) {
    if (StringMember(*key, "Status") != "Active") {
      return InvalidToken();
    }
    std::string account = StringMember(*key, "_account");
    auto* user = store_->Find(account, Kind::kUser, KeyOf(StringMember(*key, "UserName")));
    if (user == nullptr) {
      return InvalidToken();
    }
    out.secret = StringMember(*key, "SecretAccessKey");
    out.principal.kind = Principal::Kind::kUser;
    out.principal.account_id = account;
    out.principal.arn = StringMember(*user, "Arn");
    out.principal.user_id = StringMember(*user, "UserId");
    out.principal.name = StringMember(*user, "UserName");
    out.principal.access_key_id = key_id;
    return out;
  }
  if (auto* session = store_->Find("", Kind::kSession, key_id)) {
    if (StringMember(*session, "SessionToken") != session_token) {
      return InvalidToken();
    }
    double expires = (*session)["_expires"].GetDouble();
    if (clock_->NowSeconds() >= expires) {
      return AwsError::Sender("ExpiredToken",
                              "The security token included in the request is expired", 403);
    }
    out.secret = StringMember(*session, "SecretAccessKey");
    auto& p = out.principal;
    std::string kind = StringMember(*session, "_kind");
    p.kind = kind == "assumed-role"     ? Principal::Kind::kAssumedRole
             : kind == "user"           ? Principal::Kind::kUser
             : kind == "federated-user" ? Principal::Kind::kFederatedUser
                                        : Principal::Kind::kRoot;
    p.account_id = StringMember(*session, "_account");
    p.arn = StringMember(*session, "_arn");
    p.user_id = StringMember(*session, "_user_id");
    p.name = StringMember(*session, "_name");
    p.role_arn = StringMember(*session, "_role_arn");
    p.session_name = StringMember(*session, "_session_name");
    p.access_key_id = key_id;
    return out;
  }
  return InvalidToken();
}

std::string IamState::ManagedPolicyDocument(const std::string& account, const std::string& arn) {
  if (const auto* aws = FindAwsManagedPolicy(arn)) {
    return std::string(aws->document);
  }
  auto* policy = store_->Find(ArnAccount(arn).empty() ? account : ArnAccount(arn), Kind::kPolicy,
                              arn);
  if (policy == nullptr) {
    return {};
  }
  std::string def = StringMember(*policy, "DefaultVersionId");
  for (const auto& v : (*policy)["_versions"].GetArray()) {
    if (StringMember(v, "VersionId") == def) {
      return StringMember(v, "Document");
    }
  }
  return {};
}

std::shared_ptr<const PolicyDocument> IamState::Parsed(const std::string& text) {
  auto it = parsed_.find(text);
  if (it != parsed_.end()) {
    return it->second;
  }
  if (parsed_.size() > 4096) {
    parsed_.clear();
  }
  auto doc = ParsePolicyLenient(text);
  parsed_.emplace(text, doc);
  return doc;
}

PolicySet IamState::PoliciesFor(const Principal& principal) {
  PolicySet set;
  const std::string& account = principal.account_id;
  auto add_entity = [&](const rapidjson::Value& entity, const std::string& type,
                        const std::string& label) {
    if (auto it = entity.FindMember("_inline"); it != entity.MemberEnd()) {
      for (auto p = it->value.MemberBegin(); p != it->value.MemberEnd(); ++p) {
        set.identity.push_back({label + "/" + p->name.GetString(), type,
                                Parsed(std::string(p->value.GetString(),
                                                   p->value.GetStringLength()))});
      }
    }
    if (auto it = entity.FindMember("_attached"); it != entity.MemberEnd()) {
      for (const auto& arn : it->value.GetArray()) {
        std::string a = arn.GetString();
        set.identity.push_back({a, a.find(":aws:policy/") != std::string::npos ? "aws-managed"
                                                                                  : "user-managed",
                                Parsed(ManagedPolicyDocument(account, a))});
      }
    }
    std::string boundary = StringMember(
        entity.HasMember("PermissionsBoundary") ? entity["PermissionsBoundary"] : entity,
        "PermissionsBoundaryArn");
    if (!boundary.empty()) {
      set.has_boundary = true;
      set.boundary.push_back({boundary, "permissions-boundary",
                              Parsed(ManagedPolicyDocument(account, boundary))});
    }
  };
  rapidjson::Document* session = nullptr;
  if (!principal.access_key_id.empty() && principal.access_key_id.rfind("ASIA", 0) == 0) {
    session = store_->Find("", Kind::kSession, principal.access_key_id);
  }
  if (principal.kind == Principal::Kind::kUser ||
      (principal.kind == Principal::Kind::kFederatedUser && !principal.name.empty())) {
    // A federated user shares the permissions of the IAM user that created it, within its
    // session policies (below).
    if (auto* user = store_->Find(account, Kind::kUser, KeyOf(principal.name))) {
      add_entity(*user, "user", "user/" + principal.name);
      if (auto g = user->FindMember("_groups"); g != user->MemberEnd()) {
        for (const auto& name : g->value.GetArray()) {
          if (auto* group = store_->Find(account, Kind::kGroup, KeyOf(name.GetString()))) {
            // AWS: a group's policies apply to members; groups have no boundary.
            PolicySet saved_boundary;
            saved_boundary.has_boundary = set.has_boundary;
            saved_boundary.boundary = set.boundary;
            add_entity(*group, "group", std::string("group/") + name.GetString());
            set.has_boundary = saved_boundary.has_boundary;
            set.boundary = std::move(saved_boundary.boundary);
          }
        }
      }
    }
  } else if (principal.kind == Principal::Kind::kAssumedRole) {
    if (auto* role = store_->Find(account, Kind::kRole, KeyOf(principal.name))) {
      add_entity(*role, "role", "role/" + principal.name);
    }
  }
  if (session != nullptr && principal.kind == Principal::Kind::kFederatedUser) {
    // AWS: a federated user's permissions are the intersection of its creator's and the
    // session policies; without session policies it has none.
    set.has_session = true;
  }
  if (session != nullptr) {
    std::string policy = StringMember(*session, "_policy");
    if (!policy.empty()) {
      set.has_session = true;
      set.session.push_back({"session policy", "none", Parsed(policy)});
    }
    if (auto it = session->FindMember("_policy_arns"); it != session->MemberEnd()) {
      for (const auto& arn : it->value.GetArray()) {
        set.has_session = true;
        set.session.push_back({arn.GetString(), "user-managed",
                               Parsed(ManagedPolicyDocument(account, arn.GetString()))});
      }
    }
  }
  if (principal.kind == Principal::Kind::kFederatedUser && principal.name.empty()) {
    // Created by the root, which may do anything: the session policies alone decide.
    set.identity = set.session;
  }
  return set;
}

std::vector<std::pair<std::string, std::string>> IamState::PrincipalTags(const Principal& p) {
  std::vector<std::pair<std::string, std::string>> out;
  rapidjson::Document* entity = nullptr;
  if (p.kind == Principal::Kind::kUser) {
    entity = store_->Find(p.account_id, Kind::kUser, KeyOf(p.name));
  } else if (p.kind == Principal::Kind::kAssumedRole) {
    entity = store_->Find(p.account_id, Kind::kRole, KeyOf(p.name));
  }
  if (entity != nullptr && entity->HasMember("Tags")) {
    for (const auto& t : (*entity)["Tags"].GetArray()) {
      out.emplace_back(StringMember(t, "Key"), StringMember(t, "Value"));
    }
  }
  if (p.kind == Principal::Kind::kFederatedUser) {
    // GetFederationToken's session tags are the federated user's principal tags.
    auto* session = store_->Find("", Kind::kSession, p.access_key_id);
    if (session != nullptr && session->HasMember("_tags") && (*session)["_tags"].IsArray()) {
      for (const auto& t : (*session)["_tags"].GetArray()) {
        out.emplace_back(StringMember(t, "Key"), StringMember(t, "Value"));
      }
    }
  }
  return out;
}

}  // namespace nimbus::iam
