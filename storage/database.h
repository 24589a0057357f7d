#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace nimbus::storage {

// A storage failure, carrying SQLite's message. Stores map it to their service's AwsError.
struct StoreError {
  int code = 0;
  std::string message;
};

// A prepared statement owned by the Database's cache. Bind with 1-based indexes, Step() until
// it returns false. The statement is reset when it is next fetched from the cache.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  // Bind without copying: the caller keeps the bytes alive until the statement has run (e.g.
  // fields of an object that outlives a chained `.Bind(...).Run()`).
  Statement& BindStatic(int index, std::string_view text);
  Statement& BindStaticBlob(int index, std::string_view bytes);

  // Advances to the next row: true if there is one. Throws StoreException on failure.
  bool Step();
  // Runs a statement that returns no rows.
  void Run();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;

  void Reset();
  // Resets the statement if it is mid-iteration (stepped, not run to completion): such a
  // statement holds a read transaction, which keeps the WAL from being checkpointed.
  void ResetIfBusy();

 private:
  friend class Database;
  sqlite3_stmt* stmt_;
  bool handed_out_ = false;  // fetched since the Database last released its readers
};

// Raised by Statement/Database on an unexpected SQLite failure (disk full, corrupt file...).
// Client input never causes one: stores validate before they write.
class StoreException : public std::exception {
 public:
  explicit StoreException(StoreError error) : error_(std::move(error)) {}
  const char* what() const noexcept override { return error_.message.c_str(); }
  const StoreError& error() const { return error_; }

 private:
  StoreError error_;
};

// One SQLite database (WAL, busy timeout, prepared-statement cache, per-service migrations).
// Not thread-safe: owned by one service and used only on that service's strand.
class Database {
 public:
  // `path` is a file path, or ":memory:" for a private in-memory database.
  static std::unique_ptr<Database> Open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A cached prepared statement, reset and with bindings cleared. The cache is looked up by the
  // SQL text without copying it, so a hot path may pass a string literal on every call.
  Statement& Prepare(std::string_view sql);
  // Runs one or more statements without results (DDL, pragmas).
  void Exec(std::string_view sql);

  // Applies, in order and each in its own transaction, the migrations of `component` not yet
  // recorded in the schema_migrations table. Version N is migrations[N-1].
  void Migrate(std::string_view component, const std::vector<std::string_view>& migrations);
  int SchemaVersion(std::string_view component);

  // Deletes every row of every table except the migration record (POST /_nimbus/reset).
  void Reset();

  // Ends the read transactions of cached statements left mid-iteration (stores return after
  // their first row). Transactions do it before BEGIN and COMMIT, so the WAL checkpoints.
  void ReleaseReaders();

  int64_t LastInsertRowId() const;
  int Changes() const;
  // True while an explicit transaction (a Transaction or an open write group) is open.
  bool InTransaction() const;

  // Group commit: the writes of several requests share one transaction, so a commit (and its
  // WAL frames) serves them all. JoinGroup() opens the group's transaction if none is open;
  // CommitGroup() commits it. A Transaction begun while the group is open commits the group
  // first, so other work never mixes with it. `listener` hears the outcome of every group
  // commit (true: committed; false: rolled back after a failure), which is when the writes
  // of the group may be acknowledged.
  void JoinGroup();
  void CommitGroup();
  // Rolls the open group back (one of its writers failed half-way): nothing of it is kept.
  void AbortGroup();
  bool GroupOpen() const { return group_open_; }
  void SetGroupListener(std::function<void(bool committed)> listener) {
    group_listener_ = std::move(listener);
  }

  // RAII transaction: commits on Commit(), rolls back if destroyed without it.
  class Transaction {
   public:
    explicit Transaction(Database& db);
    ~Transaction();
    void Commit();

   private:
    Database& db_;
    bool done_ = false;
  };

 private:
  explicit Database(sqlite3* db) : db_(db) {}

  // Runs a cached statement that returns no rows (BEGIN/COMMIT/ROLLBACK, parsed once).
  void RunCached(std::string_view sql);
  void EndGroup(bool committed);

  // Heterogeneous lookup: Prepare() finds a statement by string_view without building a key.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct SqlEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, SqlEq> cache_;
  // Statements fetched since the last ReleaseReaders(): only these can be mid-iteration.
  std::vector<Statement*> handed_out_;
  bool group_open_ = false;
  std::function<void(bool)> group_listener_;
};

}  // namespace nimbus::storage
