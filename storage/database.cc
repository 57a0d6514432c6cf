#include "storage/database.h"

#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "storage/schema.h"

namespace fleetgate::storage {
namespace {

void CreateParentDirectory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  if (error) {
    throw std::runtime_error("cannot create directory " + parent.string() + ": " + error.message());
  }
}

// SQLite's memory statistics take a global mutex on every allocation; fleetgate never reads
// them. Process-wide and only possible before SQLite initialises, hence once and best-effort.
void DisableMemoryStatistics() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

// File-level settings. page_size and auto_vacuum only take effect before the first table
// exists and must precede the switch to WAL, so they come first; on an existing file they
// change nothing.
void ConfigureFile(SqliteConnection& connection, int64_t page_size_bytes) {
  connection.Exec("PRAGMA page_size = " + std::to_string(page_size_bytes));
  connection.Exec("PRAGMA auto_vacuum = INCREMENTAL");
  connection.Exec("PRAGMA journal_mode = WAL");
}

}  // namespace

Database::Database(DatabaseOptions options) : options_(std::move(options)) {
  DisableMemoryStatistics();
  try {
    CreateParentDirectory(options_.path);
    SqliteConnection connection = Connect(ConnectionRole::kWriter);
    ConfigureFile(connection, options_.page_size_bytes);
    opened_version_ = MigrateTo(connection, LatestSchemaVersion());
  } catch (const std::exception& e) {
    throw std::runtime_error("database " + options_.path + ": " + e.what());
  }
}

SqliteConnection Database::Connect(ConnectionRole role) const {
  SqliteConnection connection(options_.path, role == ConnectionRole::kWriter);
  connection.Exec("PRAGMA busy_timeout = " + std::to_string(options_.busy_timeout.count()));
  connection.Exec(options_.synchronous == Synchronous::kFull ? "PRAGMA synchronous = FULL"
                                                             : "PRAGMA synchronous = NORMAL");
  connection.Exec("PRAGMA journal_size_limit = " +
                  std::to_string(options_.journal_size_limit_bytes));
  connection.Exec("PRAGMA cache_size = -" + std::to_string(options_.cache_size_kib));
  if (role == ConnectionRole::kReader) connection.Exec("PRAGMA query_only = 1");
  if (role == ConnectionRole::kWriter) {
    connection.Exec("PRAGMA wal_autocheckpoint = " +
                    std::to_string(options_.wal_autocheckpoint_pages));
  }
  return connection;
}

}  // namespace fleetgate::storage
