#include "storage/write_ops.h"

#include <array>

#include "storage/alert_writes.h"
#include "storage/epoch_ms.h"

namespace fleetgate::storage {
namespace {

// Transitions are inserted kRowsPerInsert to a statement: one statement execution opens the
// table's and indexes' cursors once for all its rows. OR FAIL: a failing multi-row statement
// may leave its earlier rows, which the batch's rollback undoes anyway; with the default
// (ABORT) SQLite would keep a statement journal of every page the statement changes, a
// temporary file written at a multiple of the rows' size.
constexpr int kRowsPerInsert = 64;
constexpr int kTransitionColumns = 6;

std::string InsertTransitionsSql(int rows) {
  std::string sql =
      "INSERT OR FAIL INTO health_transitions (service_id, instance_id, from_status, to_status,"
      " detail, time_ms) VALUES ";
  for (int i = 0; i < rows; ++i) sql += i == 0 ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)";
  return sql;
}

constexpr char kInsertService[] = "INSERT INTO services (name) VALUES (?1) ON CONFLICT DO NOTHING";
constexpr char kSelectService[] = "SELECT id FROM services WHERE name = ?1";
constexpr char kInsertInstance[] =
    "INSERT INTO instances (service_id, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
constexpr char kSelectInstance[] = "SELECT id FROM instances WHERE service_id = ?1 AND name = ?2";

constexpr char kUpsertState[] =
    "INSERT INTO instance_state (service, instance, status, detail, version, status_since_ms,"
    " last_seen_ms, checks_json, ttl_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    " ON CONFLICT (service, instance) DO UPDATE SET status = excluded.status,"
    " detail = excluded.detail, version = excluded.version,"
    " status_since_ms = excluded.status_since_ms, last_seen_ms = excluded.last_seen_ms,"
    " checks_json = excluded.checks_json, ttl_ms = excluded.ttl_ms";

constexpr char kDeleteState[] = "DELETE FROM instance_state WHERE service = ?1 AND instance = ?2";

// Takes each service's oldest rows from the (service_id, time_ms) index, one seek per
// service, so a batch never scans the whole table.
constexpr char kDeleteOldTransitions[] = R"sql(
DELETE FROM health_transitions WHERE id IN (
  SELECT t.id FROM services AS s
  CROSS JOIN health_transitions AS t INDEXED BY health_transitions_by_service
    ON t.service_id = s.id
  WHERE t.time_ms < ?1 LIMIT ?2))sql";

constexpr char kDeleteOldAlertHistory[] =
    "DELETE FROM alert_history WHERE id IN"
    " (SELECT id FROM alert_history WHERE time_ms < ?1 LIMIT ?2)";

// Returns the id of `name` in a dimension table, inserting it if new.
int64_t DimensionId(SqliteConnection& connection, const char* insert_sql, const char* select_sql,
                    int64_t service_id, const std::string& name) {
  auto bind = [&](Statement& stmt) -> Statement& {
    return service_id == 0 ? stmt.Bind(1, name) : stmt.Bind(1, service_id).Bind(2, name);
  };
  {
    Statement insert = connection.Prepare(insert_sql);
    bind(insert).Run();
  }
  Statement select = connection.Prepare(select_sql);
  if (!bind(select).Step()) throw SqliteError(SQLITE_INTERNAL, "no id for " + name);
  return select.Int64(0);
}

// Holds the batch's statements, so each row costs binds and a share of a step only. Text is
// bound without copying: `ops` outlives each step. Transitions are buffered and inserted in
// their queue order (ids follow it); the other tables' writes do not depend on them.
class WriteVisitor {
 public:
  WriteVisitor(SqliteConnection& connection, NameIds& ids)
      : connection_(connection),
        ids_(ids),
        insert_transitions_(connection.Prepare(InsertTransitionsSql(kRowsPerInsert))),
        upsert_state_(connection.Prepare(kUpsertState)),
        delete_state_(connection.Prepare(kDeleteState)),
        alerts_(connection) {}

  void operator()(const TransitionRecord& t) {
    NameIds::Service& service = ServiceIds(t.service);
    pending_[pending_count_++] = Pending{&t, service.id, InstanceId(service, t.instance)};
    if (pending_count_ == kRowsPerInsert) {
      Insert(insert_transitions_, 0, kRowsPerInsert);
      pending_count_ = 0;
    }
    ++transitions_;
  }

  // Inserts the buffered transitions; call once after the last op.
  void Finish() {
    if (pending_count_ == 0) return;
    Statement single = connection_.Prepare(InsertTransitionsSql(1));
    for (int i = 0; i < pending_count_; ++i) Insert(single, i, 1);
    pending_count_ = 0;
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

  // A forgotten instance: its last state goes, and so does its id from the writer's memory, so
  // churning instance names do not grow the cache (an instance that comes back is looked up again).
  void operator()(const DeleteState& d) {
    delete_state_.Bind(1, d.service).Bind(2, d.instance).Run();
    auto service = ids_.services().find(d.service);
    if (service != ids_.services().end()) service->second.instances.erase(d.instance);
  }

  void operator()(const AlertTransition& t) { alerts_.Write(t); }
  void operator()(const AlertStates& s) { alerts_.Write(s); }

  int64_t transitions() const { return transitions_; }

 private:
  struct Pending {
    const TransitionRecord* transition;
    int64_t service_id;
    int64_t instance_id;
  };

  void Insert(Statement& stmt, int first, int rows) {
    for (int row = 0; row < rows; ++row) {
      const Pending& p = pending_[first + row];
      int base = row * kTransitionColumns;
      stmt.Bind(base + 1, p.service_id)
          .Bind(base + 2, p.instance_id)
          .BindStatic(base + 3, p.transition->from)
          .BindStatic(base + 4, p.transition->to)
          .BindStatic(base + 5, p.transition->detail)
          .Bind(base + 6, ToEpochMs(p.transition->time));
    }
    stmt.Run();
  }

  NameIds::Service& ServiceIds(const std::string& name) {
    auto [it, added] = ids_.services().try_emplace(name);
    if (added) {
      try {
        it->second.id = DimensionId(connection_, kInsertService, kSelectService, 0, name);
      } catch (...) {
        ids_.services().erase(it);
        throw;
      }
    }
    return it->second;
  }

  int64_t InstanceId(NameIds::Service& service, const std::string& name) {
    auto it = service.instances.find(name);
    if (it != service.instances.end()) return it->second;
    int64_t id = DimensionId(connection_, kInsertInstance, kSelectInstance, service.id, name);
    service.instances.emplace(name, id);
    return id;
  }

  SqliteConnection& connection_;
  NameIds& ids_;
  Statement insert_transitions_;
  std::array<Pending, kRowsPerInsert> pending_{};
  int pending_count_ = 0;
  Statement upsert_state_;
  Statement delete_state_;
  AlertWrites alerts_;
  int64_t transitions_ = 0;
};

int64_t DeleteWithLimit(SqliteConnection& connection, const char* sql, int64_t cutoff_ms,
                        int64_t max_rows) {
  connection.Prepare(sql).Bind(1, cutoff_ms).Bind(2, max_rows).Run();
  return sqlite3_changes64(connection.handle());
}

template <typename Body>
auto InTransaction(SqliteConnection& connection, Body body) {
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

int64_t WriteBatch(SqliteConnection& connection, const WriteOps& ops, NameIds& ids) {
  try {
    return InTransaction(connection, [&] {
      WriteVisitor visitor(connection, ids);
      for (const WriteOp& op : ops) std::visit(visitor, op);
      visitor.Finish();
      return visitor.transitions();
    });
  } catch (...) {
    ids.Clear();  // ids inserted by the rolled-back transaction are gone
    throw;
  }
}

int64_t DeleteOldRows(SqliteConnection& connection, int64_t cutoff_ms, int64_t max_rows) {
  return InTransaction(connection, [&] {
    int64_t deleted = DeleteWithLimit(connection, kDeleteOldTransitions, cutoff_ms, max_rows);
    if (deleted < max_rows) {
      deleted += DeleteWithLimit(connection, kDeleteOldAlertHistory, cutoff_ms, max_rows - deleted);
    }
    return deleted;
  });
}

void IncrementalVacuum(SqliteConnection& connection) {
  connection.Exec("PRAGMA incremental_vacuum");
}

}  // namespace fleetgate::storage
