#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/common/scope.h"
#include "services/lambda/lambda_model.h"
#include "storage/database.h"

namespace nimbus::lambda {

// Lambda state over one SQLite database: functions, their versions ($LATEST and published),
// aliases, resource policies, function URL configs, layers, event source mappings, event
// invoke configs and the queue of Event invocations. Every call is scoped by
// {account, region}. Owned by LambdaService and used only on its strand. Failures throw
// storage::StoreException (the dispatcher answers InternalFailure).
class LambdaStore {
 public:
  explicit LambdaStore(std::unique_ptr<storage::Database> db);

  storage::Database& db() { return *db_; }

  // Functions (function-level rows; their configurations are versions).
  std::optional<Function> FindFunction(const Scope& scope, const std::string& name);
  void PutFunction(const Function& function);
  // Names in order; the scope's functions only.
  std::vector<Function> ListFunctions(const Scope& scope);
  // Every function of every scope (startup settling, reset).
  std::vector<Function> AllFunctions();
  // Deletes the function with its versions, aliases, policies and URL configs.
  void DeleteFunction(const Scope& scope, const std::string& name);

  // Versions: "$LATEST" or a number.
  std::optional<FunctionVersion> FindVersion(const Scope& scope, const std::string& name,
                                             const std::string& version);
  void PutVersion(const FunctionVersion& version);
  // $LATEST first, then published versions in ascending order.
  std::vector<FunctionVersion> ListVersions(const Scope& scope, const std::string& name);
  void DeleteVersion(const Scope& scope, const std::string& name, const std::string& version);

  // Aliases, in name order.
  std::optional<Alias> FindAlias(const Scope& scope, const std::string& function,
                                 const std::string& name);
  void PutAlias(const Alias& alias);
  std::vector<Alias> ListAliases(const Scope& scope, const std::string& function);
  void DeleteAlias(const Scope& scope, const std::string& function, const std::string& name);

  // Resource policies: the Statement array (JSON text) per function and qualifier ("" for the
  // unqualified function).
  std::optional<std::string> FindPolicy(const Scope& scope, const std::string& function,
                                        const std::string& qualifier);
  void PutPolicy(const Scope& scope, const std::string& function, const std::string& qualifier,
                 const std::string& statements_json);
  void DeletePolicy(const Scope& scope, const std::string& function,
                    const std::string& qualifier);

  // Function URL configs.
  std::optional<UrlConfig> FindUrlConfig(const Scope& scope, const std::string& function,
                                         const std::string& qualifier);
  std::optional<UrlConfig> FindUrlConfigById(const std::string& url_id);
  void PutUrlConfig(const UrlConfig& config);
  std::vector<UrlConfig> ListUrlConfigs(const Scope& scope, const std::string& function);
  void DeleteUrlConfig(const Scope& scope, const std::string& function,
                       const std::string& qualifier);

  // Layers. Version numbers are never reused, even after deletion (AWS).
  int64_t NextLayerVersion(const Scope& scope, const std::string& name);
  void PutLayerVersion(const LayerVersion& layer);
  std::optional<LayerVersion> FindLayerVersion(const Scope& scope, const std::string& name,
                                               int64_t version);
  // Newest first.
  std::vector<LayerVersion> ListLayerVersions(const Scope& scope, const std::string& name);
  // Names of layers that have at least one version, in order.
  std::vector<std::string> ListLayerNames(const Scope& scope);
  void DeleteLayerVersion(const Scope& scope, const std::string& name, int64_t version);
  // Bytes of every stored layer version of the scope (account usage).
  int64_t LayerCodeSize(const Scope& scope);

  // Event source mappings, by UUID; lists are in creation order.
  std::optional<EventSourceMapping> FindMapping(const std::string& uuid);
  void PutMapping(const EventSourceMapping& mapping);
  std::vector<EventSourceMapping> ListMappings(const Scope& scope);
  std::vector<EventSourceMapping> AllMappings();  // every scope (restart, reset)
  void DeleteMapping(const std::string& uuid);

  // Event invoke configs per function and qualifier ("$LATEST" for the unqualified function).
  // DeleteFunction removes them with the function.
  std::optional<EventInvokeConfig> FindInvokeConfig(const Scope& scope,
                                                    const std::string& function,
                                                    const std::string& qualifier);
  void PutInvokeConfig(const EventInvokeConfig& config);
  std::vector<EventInvokeConfig> ListInvokeConfigs(const Scope& scope,
                                                   const std::string& function);
  void DeleteInvokeConfig(const Scope& scope, const std::string& function,
                          const std::string& qualifier);

  // Provisioned concurrency configs per function and qualifier (lambda_provisioned_store.cc).
  std::optional<ProvisionedConfig> FindProvisioned(const Scope& scope, const std::string& function,
                                                   const std::string& qualifier);
  void PutProvisioned(const ProvisionedConfig& config);
  std::vector<ProvisionedConfig> ListProvisioned(const Scope& scope, const std::string& function);
  std::vector<ProvisionedConfig> AllProvisioned();
  void DeleteProvisioned(const Scope& scope, const std::string& function,
                         const std::string& qualifier);

  // Queued Event invocations, kept until done. InsertEvent returns the new row id.
  int64_t InsertEvent(const QueuedEvent& event);
  void UpdateEventProgress(const QueuedEvent& event);  // attempts, not_before_ms, last result
  void DeleteEvent(int64_t id);
  std::vector<QueuedEvent> AllEvents();  // in queue order

 private:
  void MigrateProvisioned();

  std::unique_ptr<storage::Database> db_;
};

}  // namespace nimbus::lambda
