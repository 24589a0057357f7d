#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "storage/database.h"

namespace nimbus::iam {

// The kinds of IAM/STS entities. Access keys and STS sessions are global (keyed by key id,
// looked up from any request); everything else belongs to an account.
enum class Kind : int {
  kUser = 1,
  kGroup = 2,
  kRole = 3,
  kPolicy = 4,  // customer managed policies, keyed by ARN
  kInstanceProfile = 5,
  kAccessKey = 6,  // global
  kSession = 7,    // global: STS temporary credentials
  kOidcProvider = 8,
  kAccountAlias = 9,
  kSamlProvider = 10,
  kServerCertificate = 11,
  kMfaDevice = 12,          // virtual MFA devices, keyed by serial number
  kAccountSettings = 13,    // the password policy and the credential report
  kSigningCertificate = 14, // keyed by certificate id
  kSshPublicKey = 15,       // keyed by key id
  kServiceCredential = 16,  // keyed by credential id
};

// IAM state: entities as JSON objects shaped like IAM's output structures (Role, User, ...)
// plus private members prefixed "_" that the codecs ignore (inline policies, attachments,
// secrets). Everything is held in memory and written through to SQLite on every change, so a
// restart with PERSISTENCE=1 reloads it. Names are case-insensitive in IAM, so keys of named
// entities are lowercase. Used only on the IAM strand.
class IamStore {
 public:
  explicit IamStore(std::unique_ptr<storage::Database> db);

  using Entities = std::map<std::string, rapidjson::Document>;

  rapidjson::Document* Find(const std::string& account, Kind kind, const std::string& key);
  // Inserts or replaces, and persists.
  rapidjson::Document& Put(const std::string& account, Kind kind, const std::string& key,
                           rapidjson::Document doc);
  // Persists an entity changed in place.
  void Save(const std::string& account, Kind kind, const std::string& key);
  bool Erase(const std::string& account, Kind kind, const std::string& key);
  // All entities of a kind, ordered by key.
  Entities& All(const std::string& account, Kind kind);

  void Reset();

 private:
  void Persist(const std::string& account, Kind kind, const std::string& key,
               const rapidjson::Document& doc);

  std::unique_ptr<storage::Database> db_;
  std::map<std::pair<std::string, int>, Entities> entities_;
};

// Lowercase, for entity keys.
std::string KeyOf(std::string_view name);

}  // namespace nimbus::iam
