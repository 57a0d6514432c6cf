#include "storage/postgres/pg_writes.h"

#include <string>
#include <vector>

#include "storage/epoch_ms.h"

namespace fleetgate::storage {
namespace {

PgParam OptionalMs(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return ToParam(ToEpochMs(*t));
}

// Consecutive health transitions are inserted this many rows per statement: one round trip
// per chunk instead of one per row (6 parameters a row, far below PostgreSQL's 65,535).
constexpr size_t kTransitionsPerInsert = 500;

void InsertTransitions(PgConnection& c, const std::vector<const TransitionRecord*>& rows) {
  std::string sql =
      "INSERT INTO health_transitions (service, instance, from_status, to_status, detail,"
      " time_ms) VALUES ";
  std::vector<PgParam> params;
  params.reserve(rows.size() * 6);
  for (const TransitionRecord* t : rows) {
    const size_t n = params.size();
    sql += n == 0 ? "(" : ",(";
    for (size_t k = 1; k <= 6; ++k) sql += "$" + std::to_string(n + k) + (k < 6 ? "," : ")");
    params.insert(params.end(), {t->service, t->instance, t->from, t->to, t->detail,
                                 ToParam(ToEpochMs(t->time))});
  }
  c.Exec(sql, params);
}

// Visits one queued write other than a health transition.
struct Apply {
  PgConnection& c;

  void operator()(const TransitionRecord& t) { InsertTransitions(c, {&t}); }
  void operator()(const InstanceState& s) {
    c.Exec(
        "INSERT INTO instance_state (service, instance, status, detail, version,"
        " status_since_ms, last_seen_ms, checks_json, ttl_ms)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (service, instance) DO UPDATE"
        " SET status = EXCLUDED.status, detail = EXCLUDED.detail, version = EXCLUDED.version,"
        " status_since_ms = EXCLUDED.status_since_ms, last_seen_ms = EXCLUDED.last_seen_ms,"
        " checks_json = EXCLUDED.checks_json, ttl_ms = EXCLUDED.ttl_ms",
        {s.service, s.instance, s.status, s.detail, s.version, ToParam(ToEpochMs(s.status_since)),
         ToParam(ToEpochMs(s.last_seen)), s.checks_json,
         ToParam(static_cast<int64_t>(s.ttl.count()))});
  }
  void operator()(const DeleteState& d) {
    c.Exec("DELETE FROM instance_state WHERE service = $1 AND instance = $2",
           {d.service, d.instance});
  }
  void operator()(const AlertTransition& t) {
    PgParam value;
    if (t.value) value = ToParam(*t.value);
    c.Exec(
        "INSERT INTO alert_history (rule, labels_json, from_state, to_state, value, time_ms)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        {t.rule, t.labels_json, t.from, t.to, value, ToParam(ToEpochMs(t.time))});
  }
  void operator()(const AlertStates& states) {
    c.Exec("DELETE FROM alert_state WHERE rule = $1", {states.rule});
    for (const AlertStateRecord& a : states.alerts) {
      c.Exec(
          "INSERT INTO alert_state (rule, labels_json, state, active_at_ms, fired_at_ms,"
          " resolved_at_ms, value) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {states.rule, a.labels_json, a.state, ToParam(ToEpochMs(a.active_at)),
           OptionalMs(a.fired_at), OptionalMs(a.resolved_at), ToParam(a.value)});
    }
  }
};

}  // namespace

int64_t PgWriteBatch(PgConnection& connection, const WriteOps& ops) {
  return connection.InTransaction([&] {
    int64_t transitions = 0;
    std::vector<const TransitionRecord*> pending;  // a run of transitions, in queue order
    auto insert_pending = [&] {
      if (pending.empty()) return;
      InsertTransitions(connection, pending);
      transitions += static_cast<int64_t>(pending.size());
      pending.clear();
    };
    Apply apply{connection};
    for (const WriteOp& op : ops) {
      if (const auto* t = std::get_if<TransitionRecord>(&op)) {
        pending.push_back(t);
        if (pending.size() == kTransitionsPerInsert) insert_pending();
        continue;
      }
      insert_pending();  // keeps the order of writes
      std::visit(apply, op);
    }
    insert_pending();
    return transitions;
  });
}

int64_t PgDeleteOldRows(PgConnection& connection, int64_t cutoff_ms, int64_t max_rows) {
  return connection.InTransaction([&] {
    const std::vector<PgParam> params = {ToParam(cutoff_ms), ToParam(max_rows)};
    int64_t deleted =
        connection
            .Exec(
                "DELETE FROM health_transitions WHERE id IN (SELECT id FROM health_transitions"
                " WHERE time_ms < $1 ORDER BY time_ms LIMIT $2)",
                params)
            .affected();
    if (deleted < max_rows) {
      deleted += connection
                     .Exec(
                         "DELETE FROM alert_history WHERE id IN (SELECT id FROM alert_history"
                         " WHERE time_ms < $1 ORDER BY time_ms LIMIT $2)",
                         {ToParam(cutoff_ms), ToParam(max_rows - deleted)})
                     .affected();
    }
    return deleted;
  });
}

}  // namespace fleetgate::storage
