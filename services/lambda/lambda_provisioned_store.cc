// LambdaStore: provisioned concurrency configs, a component of their own in the schema
// ("lambda-provisioned"), so the function tables' migrations stay as they are.
#include "services/lambda/lambda_store.h"

namespace nimbus::lambda {
namespace {

const std::vector<std::string_view> kProvisionedMigrations = {
    R"sql(
CREATE TABLE lambda_provisioned (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  function TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  requested INTEGER NOT NULL,
  last_modified TEXT NOT NULL,
  PRIMARY KEY(account, region, function, qualifier)
);
)sql"};

constexpr char kColumns[] = "account, region, function, qualifier, requested, last_modified";

ProvisionedConfig FromRow(storage::Statement& st) {
  ProvisionedConfig c;
  c.account = st.Text(0);
  c.region = st.Text(1);
  c.function = st.Text(2);
  c.qualifier = st.Text(3);
  c.requested = st.Int(4);
  c.last_modified = st.Text(5);
  return c;
}

}  // namespace

void LambdaStore::MigrateProvisioned() { db_->Migrate("lambda-provisioned", kProvisionedMigrations); }

std::optional<ProvisionedConfig> LambdaStore::FindProvisioned(const Scope& scope,
                                                              const std::string& function,
                                                              const std::string& qualifier) {
  auto& st = db_->Prepare(std::string("SELECT ") + kColumns +
                          " FROM lambda_provisioned WHERE account = ?1 AND region = ?2 AND "
                          "function = ?3 AND qualifier = ?4");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, function).Bind(4, qualifier);
  if (!st.Step()) {
    return std::nullopt;
  }
  return FromRow(st);
}

void LambdaStore::PutProvisioned(const ProvisionedConfig& c) {
  db_->Prepare(std::string("INSERT INTO lambda_provisioned(") + kColumns +
               ") VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(account, region, function, "
               "qualifier) DO UPDATE SET requested = excluded.requested, "
               "last_modified = excluded.last_modified")
      .Bind(1, c.account)
      .Bind(2, c.region)
      .Bind(3, c.function)
      .Bind(4, c.qualifier)
      .Bind(5, c.requested)
      .Bind(6, c.last_modified)
      .Run();
}

std::vector<ProvisionedConfig> LambdaStore::ListProvisioned(const Scope& scope,
                                                            const std::string& function) {
  auto& st = db_->Prepare(std::string("SELECT ") + kColumns +
                          " FROM lambda_provisioned WHERE account = ?1 AND region = ?2 AND "
                          "function = ?3 ORDER BY qualifier");
  st.Bind(1, scope.account_id).Bind(2, scope.region).Bind(3, function);
  std::vector<ProvisionedConfig> out;
  while (st.Step()) {
    out.push_back(FromRow(st));
  }
  return out;
}

std::vector<ProvisionedConfig> LambdaStore::AllProvisioned() {
  auto& st = db_->Prepare(std::string("SELECT ") + kColumns +
                          " FROM lambda_provisioned ORDER BY account, region, function, qualifier");
  std::vector<ProvisionedConfig> out;
  while (st.Step()) {
    out.push_back(FromRow(st));
  }
  return out;
}

void LambdaStore::DeleteProvisioned(const Scope& scope, const std::string& function,
                                    const std::string& qualifier) {
  db_->Prepare("DELETE FROM lambda_provisioned WHERE account = ?1 AND region = ?2 AND "
               "function = ?3 AND qualifier = ?4")
      .Bind(1, scope.account_id)
      .Bind(2, scope.region)
      .Bind(3, function)
      .Bind(4, qualifier)
      .Run();
}

}  // namespace nimbus::lambda
