#include "storage/database.h"

#include <cstdlib>
#include <string_view>

#include <sqlite3.h>

namespace nimbus::storage {
namespace {

[[noreturn]] void Throw(sqlite3* db, int rc) {
  throw StoreException(StoreError{rc, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)});
}

}  // namespace

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindStatic(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}
Statement& Statement::BindStaticBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  Throw(sqlite3_db_handle(stmt_), rc);
}

void Statement::Run() {
  while (Step()) {
  }
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }
std::string Statement::Text(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string(data, static_cast<size_t>(size)) : std::string();
}

void Statement::ResetIfBusy() {
  if (sqlite3_stmt_busy(stmt_) != 0) {
    sqlite3_reset(stmt_);
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::unique_ptr<Database> Database::Open(const std::string& path) {
  // Memory statistics take a global mutex around every SQLite allocation; nothing reads them.
  // (Must precede SQLite's initialization; a later call is refused and changes nothing.)
  static const int kNoMemStatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)kNoMemStatus;
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    StoreError err{rc, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)};
    sqlite3_close(raw);
    throw StoreException(err);
  }
  std::unique_ptr<Database> db(new Database(raw));
  sqlite3_busy_timeout(raw, 5000);
  if (path != ":memory:") {
    // WAL with synchronous=NORMAL: a committed (acknowledged) write is in the WAL file before
    // the reply leaves, so it survives kill -9 of the process; only an OS crash or power loss
    // can drop the last commits. NIMBUS_SYNC=full fsyncs every commit for that case too.
    const char* sync = std::getenv("NIMBUS_SYNC");
    bool full = sync != nullptr && std::string_view(sync) == "full";
    // One process owns its data directory: exclusive locking keeps the WAL index in memory and
    // takes the file lock once, instead of ~6 fcntl lock calls per commit. (Set before WAL.)
    db->Exec("PRAGMA locking_mode=EXCLUSIVE;");
    db->Exec(full ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                  : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  }
  db->Exec("PRAGMA foreign_keys=ON;");
  db->Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  return db;
}

Database::~Database() {
  if (group_open_) {
    try {
      CommitGroup();
    } catch (const StoreException&) {
      // Reported to the listener; closing rolls back what is left.
    }
  }
  handed_out_.clear();
  cache_.clear();
  sqlite3_close(db_);
}

Statement& Database::Prepare(std::string_view sql) {
  Statement* st = nullptr;
  if (auto it = cache_.find(sql); it != cache_.end()) {
    st = it->second.get();
    st->Reset();
  } else {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      Throw(db_, rc);
    }
    auto& slot = cache_[std::string(sql)];
    slot = std::make_unique<Statement>(stmt);
    st = slot.get();
  }
  if (!st->handed_out_) {
    st->handed_out_ = true;
    handed_out_.push_back(st);
  }
  return *st;
}

void Database::RunCached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      Throw(db_, rc);
    }
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(stmt)).first;
  }
  Statement& st = *it->second;
  sqlite3_reset(st.stmt_);
  int rc = sqlite3_step(st.stmt_);
  sqlite3_reset(st.stmt_);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    Throw(db_, rc);
  }
}

void Database::Exec(std::string_view sql) {
  std::string copy(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    StoreError e{rc, err ? err : sqlite3_errstr(rc)};
    sqlite3_free(err);
    throw StoreException(e);
  }
}

int Database::SchemaVersion(std::string_view component) {
  auto& st = Prepare("SELECT version FROM schema_migrations WHERE component = ?1");
  st.Bind(1, component);
  return st.Step() ? static_cast<int>(st.Int(0)) : 0;
}

void Database::Migrate(std::string_view component,
                       const std::vector<std::string_view>& migrations) {
  int version = SchemaVersion(component);
  for (int v = version + 1; v <= static_cast<int>(migrations.size()); ++v) {
    Transaction tx(*this);
    Exec(migrations[static_cast<size_t>(v - 1)]);
    Prepare("INSERT INTO schema_migrations(component, version) VALUES(?1, ?2) "
            "ON CONFLICT(component) DO UPDATE SET version = excluded.version")
        .Bind(1, component)
        .Bind(2, static_cast<int64_t>(v))
        .Run();
    tx.Commit();
  }
}

void Database::Reset() {
  std::vector<std::string> tables;
  auto& st = Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "AND name <> 'schema_migrations'");
  while (st.Step()) {
    tables.push_back(st.Text(0));
  }
  Transaction tx(*this);
  Exec("PRAGMA defer_foreign_keys=ON;");
  for (const auto& t : tables) {
    Exec("DELETE FROM \"" + t + "\"");
  }
  tx.Commit();
}

void Database::ReleaseReaders() {
  for (Statement* st : handed_out_) {
    st->ResetIfBusy();
    st->handed_out_ = false;
  }
  handed_out_.clear();
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }
bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Database::JoinGroup() {
  if (group_open_) {
    return;
  }
  ReleaseReaders();
  RunCached("BEGIN IMMEDIATE");
  group_open_ = true;
}

void Database::CommitGroup() {
  if (!group_open_) {
    return;
  }
  try {
    ReleaseReaders();  // the commit's automatic checkpoint needs no reader on the WAL
    RunCached("COMMIT");
  } catch (const StoreException&) {
    if (InTransaction()) {
      try {
        RunCached("ROLLBACK");
      } catch (const StoreException&) {
        // SQLite already rolled back.
      }
    }
    EndGroup(false);
    throw;
  }
  EndGroup(true);
}

void Database::AbortGroup() {
  if (!group_open_) {
    return;
  }
  try {
    RunCached("ROLLBACK");
  } catch (const StoreException&) {
    // SQLite already rolled back on the failure that got us here.
  }
  EndGroup(false);
}

void Database::EndGroup(bool committed) {
  group_open_ = false;
  if (group_listener_) {
    group_listener_(committed);
  }
}

Database::Transaction::Transaction(Database& db) : db_(db) {
  db_.CommitGroup();
  db_.ReleaseReaders();
  db_.RunCached("BEGIN IMMEDIATE");
}
Database::Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.RunCached("ROLLBACK");
    } catch (const StoreException&) {
      // Nothing more to undo: SQLite already rolled back on the failure that got us here.
    }
  }
}
void Database::Transaction::Commit() {
  db_.ReleaseReaders();  // the commit's automatic checkpoint needs no reader on the WAL
  db_.RunCached("COMMIT");
  done_ = true;
}

}  // namespace nimbus::storage
