#pragma once
// Database: the one SQLite file holding fleetgate's history, opened, configured and migrated
// at start-up, and the factory of the writer's and readers' connections. Thread-safe: Connect
// may be called from any thread; each returned SqliteConnection belongs to one thread at a time.

#include <chrono>
#include <cstdint>
#include <string>

#include "storage/sqlite.h"

namespace fleetgate::storage {

enum class Synchronous { kNormal, kFull };

struct DatabaseOptions {
  std::string path = "./data/fleetgate.db";
  // NORMAL in WAL mode loses at most the last commits on power loss, never integrity.
  Synchronous synchronous = Synchronous::kNormal;
  std::chrono::milliseconds busy_timeout{5000};
  // The WAL file is truncated to this size after a checkpoint.
  int64_t journal_size_limit_bytes = 64 << 20;
  // Page size of a new file (an existing file keeps its own). Batched index inserts took about
  // a fifth less CPU time with 16 KiB pages than with SQLite's default 4 KiB.
  int64_t page_size_bytes = 16384;
  // WAL pages between the writer's automatic checkpoints (40 MiB at 16 KiB pages). Each
  // checkpoint syncs the file, so SQLite's default (1000 pages) makes every large batch wait.
  int64_t wal_autocheckpoint_pages = 2560;
  // Page cache per connection. Index inserts touch a page per active instance, so the writer
  // needs its working set cached to keep up; each connection grows to this only as used.
  int64_t cache_size_kib = 32 << 10;
};

enum class ConnectionRole { kWriter, kReader };

class Database {
 public:
  // Creates the file's directory, sets WAL and incremental auto-vacuum on a new file, and
  // migrates the schema to LatestSchemaVersion(). Throws std::runtime_error (with the path and
  // the reason) when the file cannot be opened or is from a newer fleetgate: a start-up error.
  explicit Database(DatabaseOptions options);

  // A new connection with the per-connection settings; readers are `query_only`.
  // Throws SqliteError.
  SqliteConnection Connect(ConnectionRole role) const;

  const DatabaseOptions& options() const { return options_; }
  // The schema version found on disk before this process migrated it.
  int opened_version() const { return opened_version_; }

 private:
  DatabaseOptions options_;
  int opened_version_ = 0;
};

}  // namespace fleetgate::storage
