#pragma once
// The PostgreSQL schema of fleetgate, as numbered forward migrations recorded in
// `fleetgate_schema`. Several gateways may start at once on one database: migrations run under
// a transaction-scoped advisory lock, so exactly one applies them. Pure functions over a
// caller's connection.

#include "storage/postgres/pg_connection.h"

namespace fleetgate::storage {

int LatestPostgresSchemaVersion();

// Migrates to LatestPostgresSchemaVersion(); returns the version found before. Throws
// std::runtime_error when the database is from a newer fleetgate, PgError when it fails.
int MigratePostgres(PgConnection& connection);

}  // namespace fleetgate::storage
