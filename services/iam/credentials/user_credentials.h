#pragma once

// Helpers of the per-user credential files (iam_certificates.cc, iam_user_keys.cc): entities
// keyed by id that name their user (signing certificates, SSH keys, service credentials).

#include <string>
#include <utility>
#include <vector>

#include "services/iam/iam_internal.h"

namespace nimbus::iam {

inline std::optional<AwsError> CheckStatus(const std::string& status) {
  if (status != "Active" && status != "Inactive" && status != "Expired") {
    return errors::ValidationField(status, "status",
                                   "Member must satisfy enum value set: [Active, Inactive, "
                                   "Expired]");
  }
  return std::nullopt;
}

// The user a call names, or the calling IAM user (AWS: "defaults to the user making the
// request").
inline Result<rapidjson::Document*> UserOf(IamStore& s, const RequestContext& ctx, ParamReader& in) {
  auto name = in.OptString("UserName");
  if (!name && ctx.principal.kind == Principal::Kind::kUser) {
    name = ctx.principal.name;
  }
  if (!name) {
    return errors::Validation("Must specify userName when calling with non-User credentials");
  }
  return RequireUser(s, ctx.scope.account_id, *name);
}

// A user's entities of `kind` (keyed by id, each with a UserName member), in key order.
inline std::vector<std::pair<std::string, const rapidjson::Value*>> OwnedBy(IamStore& s,
                                                                     const std::string& account,
                                                                     Kind kind,
                                                                     const std::string& user) {
  std::vector<std::pair<std::string, const rapidjson::Value*>> out;
  for (const auto& [id, doc] : s.All(account, kind)) {
    if (user.empty() || KeyOf(StringMember(doc, "UserName")) == KeyOf(user)) {
      out.emplace_back(id, &doc);
    }
  }
  return out;
}

// An entity of `kind` by id, if `user` owns it.
inline rapidjson::Document* Owned(IamStore& s, const std::string& account, Kind kind,
                           const std::string& id, const std::string& user) {
  auto* d = s.Find(account, kind, id);
  return d != nullptr && KeyOf(StringMember(*d, "UserName")) == KeyOf(user) ? d : nullptr;
}

// AWS: a List* call without UserName lists the caller's own; the root has none of these.
inline bool ListsRootsOwn(const RequestContext& ctx, ParamReader& in) {
  return !in.Has("UserName") && ctx.principal.kind != Principal::Kind::kUser;
}
inline Output EmptyList(const char* member) {
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember(rapidjson::StringRef(member), rapidjson::Value(rapidjson::kArrayType), a);
  out.AddMember("IsTruncated", false, a);
  return out;
}

}  // namespace nimbus::iam
