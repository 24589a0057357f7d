#include "storage/database.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace nimbus::storage {
namespace {

const std::vector<std::string_view> kMigrations = {
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, body BLOB)",
    "ALTER TABLE items ADD COLUMN size INTEGER NOT NULL DEFAULT 0",
};

int64_t Count(Database& db) {
  auto& st = db.Prepare("SELECT COUNT(*) FROM items");
  EXPECT_TRUE(st.Step());
  return st.Int(0);
}

TEST(Database, MigratesOnceAndInOrder) {
  auto db = Database::Open(":memory:");
  db->Migrate("test", {kMigrations[0]});
  EXPECT_EQ(db->SchemaVersion("test"), 1);
  db->Migrate("test", kMigrations);
  EXPECT_EQ(db->SchemaVersion("test"), 2);
  db->Migrate("test", kMigrations);  // nothing left to apply
  EXPECT_EQ(db->SchemaVersion("test"), 2);
  db->Prepare("INSERT INTO items(name, size) VALUES(?1, ?2)").Bind(1, "a").Bind(2, int64_t{3}).Run();
  EXPECT_EQ(Count(*db), 1);
}

TEST(Database, CachedStatementsRebindCleanly) {
  auto db = Database::Open(":memory:");
  db->Migrate("test", kMigrations);
  for (int i = 0; i < 3; ++i) {
    db->Prepare("INSERT INTO items(name, body) VALUES(?1, ?2)")
        .Bind(1, "n" + std::to_string(i))
        .BindBlob(2, std::string("\0x\0", 3))
        .Run();
  }
  auto& st = db->Prepare("SELECT name, body FROM items WHERE name = ?1");
  st.Bind(1, "n2");
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Text(0), "n2");
  EXPECT_EQ(st.Text(1), std::string("\0x\0", 3));
  EXPECT_FALSE(st.Step());
}

TEST(Database, TransactionRollsBackUnlessCommitted) {
  auto db = Database::Open(":memory:");
  db->Migrate("test", kMigrations);
  {
    Database::Transaction tx(*db);
    db->Prepare("INSERT INTO items(name) VALUES('x')").Run();
  }
  EXPECT_EQ(Count(*db), 0);
  {
    Database::Transaction tx(*db);
    db->Prepare("INSERT INTO items(name) VALUES('x')").Run();
    tx.Commit();
  }
  EXPECT_EQ(Count(*db), 1);
}

TEST(Database, GroupCommitSharesOneTransactionAndReportsItsOutcome) {
  auto db = Database::Open(":memory:");
  db->Migrate("test", kMigrations);
  std::vector<bool> outcomes;
  db->SetGroupListener([&](bool committed) { outcomes.push_back(committed); });
  db->JoinGroup();
  db->Prepare("INSERT INTO items(name) VALUES('a')").Run();
  db->JoinGroup();  // a second writer joins the open group
  db->Prepare("INSERT INTO items(name) VALUES('b')").Run();
  EXPECT_TRUE(db->InTransaction());
  EXPECT_TRUE(outcomes.empty());
  db->CommitGroup();
  EXPECT_EQ(outcomes, std::vector<bool>({true}));
  EXPECT_FALSE(db->InTransaction());
  EXPECT_EQ(Count(*db), 2);

  // A rolled-back group keeps nothing.
  db->JoinGroup();
  db->Prepare("INSERT INTO items(name) VALUES('c')").Run();
  db->AbortGroup();
  EXPECT_EQ(outcomes, std::vector<bool>({true, false}));
  EXPECT_EQ(Count(*db), 2);

  // Any other transaction commits the open group first; its own rollback leaves the group's rows.
  db->JoinGroup();
  db->Prepare("INSERT INTO items(name) VALUES('d')").Run();
  {
    Database::Transaction tx(*db);
    EXPECT_EQ(outcomes, std::vector<bool>({true, false, true}));
    db->Prepare("INSERT INTO items(name) VALUES('e')").Run();
  }
  EXPECT_FALSE(db->GroupOpen());
  EXPECT_EQ(Count(*db), 3);
}

TEST(Database, StaticBindingsAreReadWhileTheStatementRuns) {
  auto db = Database::Open(":memory:");
  db->Migrate("test", kMigrations);
  std::string name = "static";
  std::string body("\0b\0", 3);
  db->Prepare("INSERT INTO items(name, body) VALUES(?1, ?2)")
      .BindStatic(1, name)
      .BindStaticBlob(2, body)
      .Run();
  auto& st = db->Prepare("SELECT name, body FROM items");
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Text(0), "static");
  EXPECT_EQ(st.Text(1), body);
}

TEST(Database, ConstraintViolationThrowsAndKeepsData) {
  auto db = Database::Open(":memory:");
  db->Migrate("test", kMigrations);
  db->Prepare("INSERT INTO items(name) VALUES('dup')").Run();
  EXPECT_THROW(db->Prepare("INSERT INTO items(name) VALUES('dup')").Run(), StoreException);
  EXPECT_EQ(Count(*db), 1);
}

TEST(Database, ResetClearsRowsButKeepsSchema) {
  auto db = Database::Open(":memory:");
  db->Migrate("test", kMigrations);
  db->Prepare("INSERT INTO items(name) VALUES('x')").Run();
  db->Reset();
  EXPECT_EQ(Count(*db), 0);
  EXPECT_EQ(db->SchemaVersion("test"), 2);
}

TEST(Database, OnDiskStateSurvivesReopen) {
  auto dir = std::filesystem::temp_directory_path() / ("nimbus-db-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "state.sqlite").string();
  {
    auto db = Database::Open(path);
    db->Migrate("test", kMigrations);
    db->Prepare("INSERT INTO items(name) VALUES('kept')").Run();
  }
  {
    auto db = Database::Open(path);
    db->Migrate("test", kMigrations);
    EXPECT_EQ(Count(*db), 1);
    auto& st = db->Prepare("PRAGMA journal_mode");
    ASSERT_TRUE(st.Step());
    EXPECT_EQ(st.Text(0), "wal");
  }
  std::filesystem::remove_all(dir);
}

TEST(Database, WalIsCheckpointedWhileStatementsStopAfterTheirFirstRow) {
  auto dir = std::filesystem::temp_directory_path() / ("nimbus-wal-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "state.sqlite").string();
  {
    auto db = Database::Open(path);
    db->Migrate("test", kMigrations);
    for (int i = 0; i < 3000; ++i) {
      // A lookup that stops after its first row, as stores do, then a committed write.
      auto& find = db->Prepare("SELECT COUNT(*) FROM items");
      ASSERT_TRUE(find.Step());
      Database::Transaction tx(*db);
      db->Prepare("INSERT INTO items(name, body) VALUES(?1, ?2)")
          .Bind(1, "n" + std::to_string(i))
          .BindBlob(2, std::string(2000, 'x'))
          .Run();
      tx.Commit();
    }
    // SQLite checkpoints every ~1000 pages: without readers the WAL stays bounded and the
    // database file grows instead.
    EXPECT_GT(std::filesystem::file_size(path), 2'000'000u);
    EXPECT_LT(std::filesystem::file_size(path + "-wal"), 8'000'000u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nimbus::storage
