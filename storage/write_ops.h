#pragma once
// The SQL behind the history writer: one batch of queued writes per transaction, retention in
// small batches, incremental vacuum. Used only on the writer's connection and thread.

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <variant>

#include "storage/alert_records.h"
#include "storage/records.h"
#include "storage/sqlite.h"

namespace fleetgate::storage {

struct DeleteState {
  std::string service;
  std::string instance;
};

using WriteOp =
    std::variant<TransitionRecord, InstanceState, DeleteState, AlertTransition, AlertStates>;
using WriteOps = std::deque<WriteOp>;

// The writer's memory of the ids of services and instances (the `services` and `instances`
// rows), so a transition costs a dimension-table lookup only the first time its names are
// seen. It holds committed ids only: WriteBatch forgets everything after a rollback. A
// DeleteState (a forgotten instance) drops that instance's id, so it holds live names only.
class NameIds {
 public:
  struct Service {
    int64_t id = 0;
    std::unordered_map<std::string, int64_t> instances;
  };

  void Clear() { services_.clear(); }
  std::unordered_map<std::string, Service>& services() { return services_; }

 private:
  std::unordered_map<std::string, Service> services_;
};

// Applies `ops` in order in one transaction; returns the number of transitions written.
// Looks up (and inserts) the ids of new names through `ids`. Throws SqliteError after rolling
// back.
int64_t WriteBatch(SqliteConnection& connection, const WriteOps& ops, NameIds& ids);

// Deletes up to `max_rows` rows older than `cutoff_ms` from the history tables in one
// transaction; returns how many it deleted (fewer than `max_rows`: nothing old is left).
// Throws SqliteError after rolling back.
int64_t DeleteOldRows(SqliteConnection& connection, int64_t cutoff_ms, int64_t max_rows);

// Returns the pages freed by deletes to the file system.
void IncrementalVacuum(SqliteConnection& connection);

}  // namespace fleetgate::storage
