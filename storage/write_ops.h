#pragma once
// The SQL behind the history writer: one batch of queued writes per transaction, retention in
// small batches, incremental vacuum. Used only on the writer's connection and thread.

#include <cstdint>
#include <deque>
#include <string>
#include <variant>

#include "storage/records.h"
#include "storage/sqlite.h"

namespace fleetgate::storage {

struct DeleteState {
  std::string service;
  std::string instance;
};

using WriteOp = std::variant<Transition, InstanceState, DeleteState>;
using WriteOps = std::deque<WriteOp>;

// Applies `ops` in order in one transaction; returns the number of transitions written.
// Throws SqliteError after rolling back.
int64_t WriteBatch(Connection& connection, const WriteOps& ops);

// Deletes up to `max_rows` rows older than `cutoff_ms` from the history tables in one
// transaction; returns how many it deleted (fewer than `max_rows`: nothing old is left).
// Throws SqliteError after rolling back.
int64_t DeleteOldRows(Connection& connection, int64_t cutoff_ms, int64_t max_rows);

// Returns the pages freed by deletes to the file system.
void IncrementalVacuum(Connection& connection);

}  // namespace fleetgate::storage
