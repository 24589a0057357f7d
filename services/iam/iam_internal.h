#pragma once

// Helpers shared by the IAM handler files (not part of IAM's interface).

#include <string>

#include "services/iam/iam_errors.h"
#include "services/iam/iam_state.h"
#include "services/iam/iam_store.h"
#include "services/iam/iam_util.h"

namespace nimbus::iam {

inline rapidjson::Document EmptyOutput() {
  rapidjson::Document d(rapidjson::kObjectType);
  return d;
}

inline rapidjson::Document* FindNamed(IamStore& store, const std::string& account, Kind kind,
                                      const std::string& name) {
  return store.Find(account, kind, KeyOf(name));
}

inline Result<rapidjson::Document*> RequireUser(IamStore& s, const std::string& account,
                                                const std::string& name) {
  if (auto* d = FindNamed(s, account, Kind::kUser, name)) {
    return d;
  }
  return errors::NoSuchUser(name);
}
inline Result<rapidjson::Document*> RequireRole(IamStore& s, const std::string& account,
                                                const std::string& name) {
  if (auto* d = FindNamed(s, account, Kind::kRole, name)) {
    return d;
  }
  return errors::NoSuchRole(name);
}
inline Result<rapidjson::Document*> RequireGroup(IamStore& s, const std::string& account,
                                                 const std::string& name) {
  if (auto* d = FindNamed(s, account, Kind::kGroup, name)) {
    return d;
  }
  return errors::NoSuchGroup(name);
}

// Tag*, Untag* and List*Tags bodies, the same for every taggable kind; `account` and `key`
// say where the entity is stored.
inline Result<rapidjson::Document> TagAndSave(IamStore& s, const std::string& account, Kind kind,
                                              const std::string& key, rapidjson::Document& entity,
                                              ParamReader& in) {
  if (auto e = MergeTags(entity, in.Value("Tags"), entity.GetAllocator())) {
    return *e;
  }
  s.Save(account, kind, key);
  return EmptyOutput();
}
inline rapidjson::Document UntagAndSave(IamStore& s, const std::string& account, Kind kind,
                                        const std::string& key, rapidjson::Document& entity,
                                        ParamReader& in) {
  RemoveTags(entity, in.Value("TagKeys"));
  s.Save(account, kind, key);
  return EmptyOutput();
}
inline rapidjson::Document TagsOutput(const rapidjson::Value& entity) {
  rapidjson::Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("Tags",
                entity.HasMember("Tags") ? PublicCopy(entity["Tags"], a)
                                         : rapidjson::Value(rapidjson::kArrayType),
                a);
  out.AddMember("IsTruncated", false, a);
  return out;
}

// Ensures `entity[name]` exists with the given type and returns it.
inline rapidjson::Value& Member(rapidjson::Value& entity, const char* name, rapidjson::Type type,
                                Alloc& a) {
  auto it = entity.FindMember(name);
  if (it == entity.MemberEnd()) {
    entity.AddMember(rapidjson::StringRef(name), rapidjson::Value(type), a);
    return entity[name];
  }
  return it->value;
}

inline bool ArrayHas(const rapidjson::Value& array, const std::string& s) {
  if (!array.IsArray()) {
    return false;
  }
  for (const auto& v : array.GetArray()) {
    if (v.IsString() && s == v.GetString()) {
      return true;
    }
  }
  return false;
}
inline void ArrayRemove(rapidjson::Value& array, const std::string& s) {
  if (!array.IsArray()) {
    return;
  }
  for (auto it = array.Begin(); it != array.End();) {
    if (it->IsString() && s == it->GetString()) {
      it = array.Erase(it);
    } else {
      ++it;
    }
  }
}

// Entities of a kind, optionally under a path prefix, as (key, entity) for paging.
inline std::vector<std::pair<std::string, const rapidjson::Value*>> Listing(
    IamStore& s, const std::string& account, Kind kind, const std::string& path_prefix = "/") {
  std::vector<std::pair<std::string, const rapidjson::Value*>> out;
  for (const auto& [key, doc] : s.All(account, kind)) {
    std::string path = doc.HasMember("Path") && doc["Path"].IsString() ? doc["Path"].GetString()
                                                                         : "/";
    if (path.rfind(path_prefix, 0) == 0) {
      out.emplace_back(key, &doc);
    }
  }
  return out;
}

inline const std::string& PairKey(const std::pair<std::string, const rapidjson::Value*>& p) {
  return p.first;
}

// One page of (key, entity) items as a List* answer: `member` holds each entity as `render`
// draws it, then IsTruncated/Marker.
template <class Render>
rapidjson::Document PageOut(const std::vector<std::pair<std::string, const rapidjson::Value*>>& all,
                            const PageRequest& page, const char* member, Render render) {
  auto p = Paginate(all, page, PairKey);
  rapidjson::Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& [key, doc] : p.items) {
    list.PushBack(render(*doc, a), a);
  }
  out.AddMember(rapidjson::StringRef(member), std::move(list), a);
  SetPageInfo(out, p.next_marker);
  return out;
}
inline rapidjson::Value PlainCopy(const rapidjson::Value& entity, Alloc& a) {
  return PublicCopy(entity, a);
}

// DeleteUser/DeleteGroup/DeleteRole refuse while policies are still inline or attached.
inline std::optional<AwsError> PoliciesStillHeld(const rapidjson::Value& entity) {
  if (entity.HasMember("_inline") && entity["_inline"].MemberCount() > 0) {
    return errors::DeleteConflict("Cannot delete entity, must delete policies first.");
  }
  if (entity.HasMember("_attached") && entity["_attached"].Size() > 0) {
    return errors::DeleteConflict("Cannot delete entity, must detach all policies first.");
  }
  return std::nullopt;
}

// The stored form of a permissions boundary.
inline rapidjson::Value BoundaryValue(const std::string& arn, Alloc& a) {
  rapidjson::Value b(rapidjson::kObjectType);
  b.AddMember("PermissionsBoundaryType", "Policy", a);
  b.AddMember("PermissionsBoundaryArn", Str(arn, a), a);
  return b;
}

// DeleteUser refuses while the user still has signing certificates, SSH public keys or
// service-specific credentials (iam_user_keys.cc).
std::optional<AwsError> UserCredentialsHeld(IamStore& s, const std::string& account,
                                            const std::string& user_name);
// UpdateUser's rename carried to what names the user: access keys, login profile, MFA devices,
// signing certificates, SSH keys, service-specific credentials (iam_user_keys.cc).
void RenameUserCredentials(IamStore& s, const std::string& account, const std::string& from,
                           const std::string& to);
// The identity policies of the user, role or group `source_arn` names, as
// SimulatePrincipalPolicy and GetContextKeysForPrincipalPolicy read them (iam_reports.cc).
Result<PolicySet> PrincipalPolicySet(IamState& state, const std::string& account,
                                     const std::string& source_arn);

}  // namespace nimbus::iam
