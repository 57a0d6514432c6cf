#include "storage/alert_writes.h"

#include "storage/epoch_ms.h"

namespace fleetgate::storage {
namespace {

constexpr char kInsertHistory[] =
    "INSERT INTO alert_history (rule, labels_json, from_state, to_state, value, time_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr char kDeleteStates[] = "DELETE FROM alert_state WHERE rule = ?1";
// OR REPLACE: two records with one label set in a batch keep the last, as a map would.
constexpr char kInsertState[] =
    "INSERT OR REPLACE INTO alert_state (rule, labels_json, state, active_at_ms, fired_at_ms,"
    " resolved_at_ms, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

void BindOptionalTime(Statement& stmt, int index, const std::optional<TimePoint>& time) {
  if (time) {
    stmt.Bind(index, ToEpochMs(*time));
  } else {
    stmt.BindNull(index);
  }
}

}  // namespace

AlertWrites::AlertWrites(SqliteConnection& connection)
    : insert_history_(connection.Prepare(kInsertHistory)),
      delete_states_(connection.Prepare(kDeleteStates)),
      insert_state_(connection.Prepare(kInsertState)) {}

void AlertWrites::Write(const AlertTransition& t) {
  insert_history_.Bind(1, t.rule).Bind(2, t.labels_json).Bind(3, t.from).Bind(4, t.to);
  if (t.value) {
    insert_history_.Bind(5, *t.value);
  } else {
    insert_history_.BindNull(5);
  }
  insert_history_.Bind(6, ToEpochMs(t.time)).Run();
}

void AlertWrites::Write(const AlertStates& states) {
  delete_states_.Bind(1, states.rule).Run();
  for (const AlertStateRecord& alert : states.alerts) {
    insert_state_.Bind(1, states.rule)
        .Bind(2, alert.labels_json)
        .Bind(3, alert.state)
        .Bind(4, ToEpochMs(alert.active_at))
        .Bind(7, alert.value);
    BindOptionalTime(insert_state_, 5, alert.fired_at);
    BindOptionalTime(insert_state_, 6, alert.resolved_at);
    insert_state_.Run();
  }
}

}  // namespace fleetgate::storage
