#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "services/common/scope.h"
#include "storage/database.h"

namespace nimbus::apigateway {

// API Gateway state is a tree per API (resources → methods → integrations → responses, stages,
// deployments...) that the control plane edits a node at a time and the data plane reads
// whole. It is kept as one JSON document per top-level object (a REST API, an API key, a
// usage plan, an HTTP API), cached in memory and written through to SQLite on every change.
// Not thread-safe: used on the owning service's strand only.
class DocStore {
 public:
  // `component` names the migration and table (one store per service database).
  DocStore(std::unique_ptr<storage::Database> db, std::string component);

  // The document, or nullptr. The pointer stays valid until the document is erased.
  rapidjson::Document* Find(const Scope& scope, std::string_view kind, std::string_view id);
  // Inserts or replaces, and persists.
  rapidjson::Document& Put(const Scope& scope, std::string_view kind, std::string_view id,
                           rapidjson::Document doc);
  // Persists a document changed in place, and bumps its version.
  void Save(const Scope& scope, std::string_view kind, std::string_view id);
  bool Erase(const Scope& scope, std::string_view kind, std::string_view id);
  // Ids of `kind` in the scope, in creation order.
  std::vector<std::string> Ids(const Scope& scope, std::string_view kind) const;
  // The scope holding a document, whatever the account and region (execute-api URLs name an
  // API id only).
  std::optional<Scope> ScopeOf(std::string_view kind, std::string_view id) const;
  // Changes on every Put/Save of the document: the data plane's cache key.
  uint64_t Version(const Scope& scope, std::string_view kind, std::string_view id) const;
  void Reset();

 private:
  struct Entry {
    int64_t seq = 0;
    uint64_t version = 0;
    std::unique_ptr<rapidjson::Document> doc;
  };
  static std::string Key(const Scope& scope, std::string_view kind, std::string_view id);
  void Persist(const std::string& key, const Entry& e, const Scope& scope, std::string_view kind,
               std::string_view id);

  std::unique_ptr<storage::Database> db_;
  std::string table_;
  std::map<std::string, Entry> entries_;  // key: account \x1f region \x1f kind \x1f id
  std::map<std::string, Scope, std::less<>> scopes_;  // kind \x1f id → its scope (ScopeOf)
  int64_t next_seq_ = 1;
  uint64_t next_version_ = 1;
};

}  // namespace nimbus::apigateway
