#pragma once
// The writes behind PostgresStore: one batch of queued writes per transaction, and retention
// in small batches. Used only on the writer's connection and thread; throw PgError after
// rolling back.

#include <cstdint>

#include "storage/postgres/pg_connection.h"
#include "storage/write_ops.h"

namespace fleetgate::storage {

// Applies `ops` in order in one transaction; returns the number of health transitions written.
int64_t PgWriteBatch(PgConnection& connection, const WriteOps& ops);

// Deletes up to `max_rows` history rows older than `cutoff_ms` in one transaction; returns how
// many (fewer than `max_rows`: nothing old is left).
int64_t PgDeleteOldRows(PgConnection& connection, int64_t cutoff_ms, int64_t max_rows);

}  // namespace fleetgate::storage
