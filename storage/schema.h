#pragma once
// The versioned schema: forward migrations numbered from 1, tracked in `PRAGMA user_version`.
// Functions take a SqliteConnection and are as thread-safe as that connection's use.

#include "storage/sqlite.h"

namespace fleetgate::storage {

// The schema version this build writes. Version 0 is an empty database.
int LatestSchemaVersion();

// The SQL of migration `version` (1..LatestSchemaVersion()), which moves the schema from
// `version - 1` to `version`.
const char* MigrationSql(int version);

// Applies the migrations after the database's current version up to `target` in one
// transaction, so a failure leaves the database at its old version. Returns the version
// found before migrating. Throws SqliteError on a database error and std::runtime_error when
// the database is newer than `target`.
int MigrateTo(SqliteConnection& connection, int target);

}  // namespace fleetgate::storage
