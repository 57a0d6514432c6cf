#include "storage/write_ops.h"

#include "storage/epoch_ms.h"

namespace fleetgate::storage {
namespace {

constexpr char kInsertTransition[] =
    "INSERT INTO health_transitions (service, instance, from_status, to_status, detail, time_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

constexpr char kUpsertState[] =
    "INSERT INTO instance_state (service, instance, status, detail, version, status_since_ms,"
    " last_seen_ms, checks_json, ttl_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    " ON CONFLICT (service, instance) DO UPDATE SET status = excluded.status,"
    " detail = excluded.detail, version = excluded.version,"
    " status_since_ms = excluded.status_since_ms, last_seen_ms = excluded.last_seen_ms,"
    " checks_json = excluded.checks_json, ttl_ms = excluded.ttl_ms";

constexpr char kDeleteState[] = "DELETE FROM instance_state WHERE service = ?1 AND instance = ?2";

// Walks the distinct services through the (service, time_ms) index, one seek each, and takes
// each one's oldest rows from the same index, so a batch never scans the whole table.
constexpr char kDeleteOldTransitions[] = R"sql(
WITH RECURSIVE services(name) AS (
  SELECT (SELECT MIN(service) FROM health_transitions)
  UNION ALL
  SELECT (SELECT MIN(service) FROM health_transitions WHERE service > services.name)
  FROM services WHERE services.name IS NOT NULL)
DELETE FROM health_transitions WHERE id IN (
  SELECT t.id FROM services JOIN health_transitions AS t ON t.service = services.name
  WHERE t.time_ms < ?1 LIMIT ?2))sql";

constexpr char kDeleteOldAlertHistory[] =
    "DELETE FROM alert_history WHERE id IN"
    " (SELECT id FROM alert_history WHERE time_ms < ?1 LIMIT ?2)";

// Holds the batch's three statements, so each row costs a bind and a step only.
class WriteVisitor {
 public:
  explicit WriteVisitor(Connection& connection)
      : insert_transition_(connection.Prepare(kInsertTransition)),
        upsert_state_(connection.Prepare(kUpsertState)),
        delete_state_(connection.Prepare(kDeleteState)) {}

  void operator()(const Transition& t) {
    insert_transition_.Bind(1, t.service)
        .Bind(2, t.instance)
        .Bind(3, t.from)
        .Bind(4, t.to)
        .Bind(5, t.detail)
        .Bind(6, ToEpochMs(t.time))
        .Run();
    ++transitions_;
  }

  void operator()(const InstanceState& s) {
    upsert_state_.Bind(1, s.service)
        .Bind(2, s.instance)
        .Bind(3, s.status)
        .Bind(4, s.detail)
        .Bind(5, s.version)
        .Bind(6, ToEpochMs(s.status_since))
        .Bind(7, ToEpochMs(s.last_seen))
        .Bind(8, s.checks_json)
        .Bind(9, static_cast<int64_t>(s.ttl.count()))
        .Run();
  }

  void operator()(const DeleteState& d) {
    delete_state_.Bind(1, d.service).Bind(2, d.instance).Run();
  }

  int64_t transitions() const { return transitions_; }

 private:
  Statement insert_transition_;
  Statement upsert_state_;
  Statement delete_state_;
  int64_t transitions_ = 0;
};

int64_t DeleteWithLimit(Connection& connection, const char* sql, int64_t cutoff_ms,
                        int64_t max_rows) {
  connection.Prepare(sql).Bind(1, cutoff_ms).Bind(2, max_rows).Run();
  return sqlite3_changes64(connection.handle());
}

template <typename Body>
auto InTransaction(Connection& connection, Body body) {
  connection.Exec("BEGIN IMMEDIATE");
  try {
    auto result = body();
    connection.Exec("COMMIT");
    return result;
  } catch (...) {
    connection.RollbackQuietly();
    throw;
  }
}

}  // namespace

int64_t WriteBatch(Connection& connection, const WriteOps& ops) {
  return InTransaction(connection, [&] {
    WriteVisitor visitor(connection);
    for (const WriteOp& op : ops) std::visit(visitor, op);
    return visitor.transitions();
  });
}

int64_t DeleteOldRows(Connection& connection, int64_t cutoff_ms, int64_t max_rows) {
  return InTransaction(connection, [&] {
    int64_t deleted = DeleteWithLimit(connection, kDeleteOldTransitions, cutoff_ms, max_rows);
    if (deleted < max_rows) {
      deleted += DeleteWithLimit(connection, kDeleteOldAlertHistory, cutoff_ms, max_rows - deleted);
    }
    return deleted;
  });
}

void IncrementalVacuum(Connection& connection) { connection.Exec("PRAGMA incremental_vacuum"); }

}  // namespace fleetgate::storage
