#include "storage/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <stdexcept>

#include "storage/schema.h"
#include "storage_fixture.h"

namespace fleetgate::storage {
namespace {

using ::testing::HasSubstr;

std::set<std::string> Tables(SqliteConnection& connection) {
  std::set<std::string> names;
  Statement stmt = connection.Prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
  while (stmt.Step()) names.insert(stmt.Text(0));
  return names;
}

// A database file left at schema `version`, made the way that version's build made it.
void CreateAtVersion(const std::string& path, int version) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  SqliteConnection connection(path, /*create=*/true);
  connection.Exec("PRAGMA auto_vacuum = INCREMENTAL");
  connection.Exec("PRAGMA journal_mode = WAL");
  MigrateTo(connection, version);
  if (version >= 1) {
    connection.Exec("INSERT INTO services (id, name) VALUES (1, 'checkout')");
    connection.Exec("INSERT INTO instances (id, service_id, name) VALUES (1, 1, 'pod-1')");
    connection.Exec(
        "INSERT INTO health_transitions (service_id, instance_id, from_status, to_status,"
        " detail, time_ms) VALUES (1, 1, '', 'SERVING', 'old', 1000)");
  }
  if (version >= 2) {
    connection.Exec("INSERT INTO alert_rules VALUES ('HighQueue', '{}', 1000, 2000)");
    connection.Exec(
        "INSERT INTO alert_history (rule, from_state, to_state, time_ms)"
        " VALUES ('HighQueue', 'pending', 'firing', 1000)");
  }
}

class DatabaseTest : public StorageTest {};

TEST_F(DatabaseTest, CreatesDirectoryAndMigratesEmptyFileToLatest) {
  Database database(Options());
  EXPECT_TRUE(std::filesystem::exists(DbPath()));
  EXPECT_EQ(database.opened_version(), 0);
  SqliteConnection connection = RawConnection();
  EXPECT_EQ(connection.QueryInt("PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(Tables(connection),
            (std::set<std::string>{"services", "instances", "health_transitions", "instance_state",
                                   "alert_rules", "alert_history", "alert_state"}));
}

TEST_F(DatabaseTest, SetsWalAndIncrementalAutoVacuumOnANewFile) {
  Database database(Options());
  SqliteConnection connection = RawConnection();
  EXPECT_EQ(connection.QueryInt("PRAGMA auto_vacuum"), 2);  // INCREMENTAL
  Statement mode = connection.Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.Step());
  EXPECT_EQ(mode.Text(0), "wal");
}

TEST_F(DatabaseTest, AppliesConnectionSettings) {
  DatabaseOptions options = Options();
  options.synchronous = Synchronous::kFull;
  options.journal_size_limit_bytes = 1 << 20;
  Database database(options);
  SqliteConnection writer = database.Connect(ConnectionRole::kWriter);
  EXPECT_EQ(writer.QueryInt("PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(writer.QueryInt("PRAGMA busy_timeout"), 20);
  EXPECT_EQ(writer.QueryInt("PRAGMA journal_size_limit"), 1 << 20);
  EXPECT_EQ(writer.QueryInt("PRAGMA query_only"), 0);
}

TEST_F(DatabaseTest, ReaderConnectionsCannotWrite) {
  Database database(Options());
  SqliteConnection reader = database.Connect(ConnectionRole::kReader);
  EXPECT_EQ(reader.QueryInt("PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_THROW(reader.Exec("DELETE FROM instance_state"), SqliteError);
}

TEST_F(DatabaseTest, MigratesFromEveryEarlierVersionKeepingData) {
  for (int version = 1; version < LatestSchemaVersion(); ++version) {
    SCOPED_TRACE("from version " + std::to_string(version));
    DatabaseOptions options = Options();
    options.path = (dir_.path() / ("v" + std::to_string(version)) / "f.db").string();
    CreateAtVersion(options.path, version);

    Database database(options);

    EXPECT_EQ(database.opened_version(), version);
    SqliteConnection connection(options.path, /*create=*/false);
    EXPECT_EQ(connection.QueryInt("PRAGMA user_version"), LatestSchemaVersion());
    EXPECT_EQ(connection.QueryInt("SELECT COUNT(*) FROM health_transitions"), 1);
    EXPECT_EQ(Tables(connection).count("alert_history"), 1u);
    EXPECT_EQ(Tables(connection).count("alert_state"), 1u);
    EXPECT_EQ(connection.QueryInt("SELECT COUNT(*) FROM alert_rules"), version >= 2 ? 1 : 0);
    EXPECT_EQ(connection.QueryInt("SELECT COUNT(*) FROM alert_history"), version >= 2 ? 1 : 0);
  }
}

TEST_F(DatabaseTest, MigrationThreeAddsTheActiveAlertStates) {
  ASSERT_GE(LatestSchemaVersion(), 3);
  CreateAtVersion(DbPath(), 2);
  SqliteConnection connection = RawConnection();
  EXPECT_EQ(MigrateTo(connection, 3), 2);
  EXPECT_EQ(Tables(connection).count("alert_state"), 1u);
  connection.Exec(
      "INSERT INTO alert_state VALUES ('HighQueue', '{}', 'firing', 1000, 2000, NULL, NULL)");
  EXPECT_THROW(connection.Exec("INSERT INTO alert_state VALUES"
                               " ('HighQueue', '{}', 'pending', 1, NULL, NULL, 1)"),
               SqliteError);  // one row per rule and label set
  EXPECT_EQ(connection.QueryInt("SELECT COUNT(*) FROM alert_rules"), 1);
}

TEST_F(DatabaseTest, EveryMigrationStepAppliesOnTopOfThePreviousOne) {
  CreateAtVersion(DbPath(), 0);
  SqliteConnection connection = RawConnection();
  for (int version = 1; version <= LatestSchemaVersion(); ++version) {
    EXPECT_EQ(MigrateTo(connection, version), version - 1);
    EXPECT_EQ(connection.QueryInt("PRAGMA user_version"), version);
  }
}

TEST_F(DatabaseTest, ReopeningAnUpToDateFileChangesNothing) {
  { Database first(Options()); }
  Database second(Options());
  EXPECT_EQ(second.opened_version(), LatestSchemaVersion());
}

TEST_F(DatabaseTest, RefusesAFileFromANewerVersion) {
  CreateAtVersion(DbPath(), LatestSchemaVersion());
  RawConnection().Exec("PRAGMA user_version = " + std::to_string(LatestSchemaVersion() + 1));
  try {
    Database database(Options());
    FAIL() << "a newer schema was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(DbPath()));
    EXPECT_THAT(e.what(), HasSubstr("newer than this fleetgate build supports"));
  }
  EXPECT_EQ(RawConnection().QueryInt("PRAGMA user_version"), LatestSchemaVersion() + 1);
}

TEST_F(DatabaseTest, AFailedMigrationLeavesTheOldVersionAndData) {
  if (LatestSchemaVersion() < 2) GTEST_SKIP() << "needs two migrations";
  CreateAtVersion(DbPath(), 1);
  RawConnection().Exec("CREATE TABLE alert_rules (x)");  // migration 2 will collide
  EXPECT_THROW(Database database(Options()), std::runtime_error);
  SqliteConnection connection = RawConnection();
  EXPECT_EQ(connection.QueryInt("PRAGMA user_version"), 1);
  EXPECT_EQ(connection.QueryInt("SELECT COUNT(*) FROM health_transitions"), 1);
  EXPECT_EQ(Tables(connection).count("alert_history"), 0u);
}

TEST_F(DatabaseTest, ReportsAnUnusablePathAtStartUp) {
  DatabaseOptions options = Options();
  options.path = "/dev/null/fleetgate.db";
  try {
    Database database(options);
    FAIL() << "opened " << options.path;
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/dev/null"));
  }
}

}  // namespace
}  // namespace fleetgate::storage
