#include "storage/alert_queries.h"

#include <limits>

#include "storage/epoch_ms.h"

namespace fleetgate::storage {
namespace {

constexpr char kSelectStates[] =
    "SELECT rule, labels_json, state, active_at_ms, fired_at_ms, resolved_at_ms, value"
    " FROM alert_state ORDER BY rule, labels_json";

std::optional<TimePoint> OptionalTime(const Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return FromEpochMs(row.Int64(column));
}

AlertTransition ReadAlertTransition(const Statement& row) {
  AlertTransition t;
  t.rule = row.Text(1);
  t.labels_json = row.Text(2);
  t.from = row.Text(3);
  t.to = row.Text(4);
  if (!row.IsNull(5)) t.value = row.Double(5);
  t.time = FromEpochMs(row.Int64(6));
  return t;
}

AlertStateRecord ReadAlertState(const Statement& row) {
  AlertStateRecord record;
  record.labels_json = row.Text(1);
  record.state = row.Text(2);
  record.active_at = FromEpochMs(row.Int64(3));
  record.fired_at = OptionalTime(row, 4);
  record.resolved_at = OptionalTime(row, 5);
  // SQLite stores a NaN as NULL.
  record.value = row.IsNull(6) ? std::numeric_limits<double>::quiet_NaN() : row.Double(6);
  return record;
}

}  // namespace

// Each variant walks one index backwards from the page's upper bound: (rule, time_ms) with a
// rule, (time_ms) without; the rowid in each index entry orders equal times by id, so SQLite
// needs no sort (see AlertHistoryTest.PageQueriesWalkAnIndexWithoutSorting).
std::string AlertPageSql(bool with_rule, bool with_cursor) {
  std::string sql =
      "SELECT h.id, h.rule, h.labels_json, h.from_state, h.to_state, h.value, h.time_ms"
      " FROM alert_history AS h INDEXED BY ";
  sql += with_rule ? "alert_history_by_rule WHERE h.rule = ?1" : "alert_history_by_time WHERE 1";
  return sql + KeysetSqlTail("h", with_cursor);
}

AlertHistoryPage ReadAlertPage(SqliteConnection& connection, const std::optional<std::string>& rule,
                               const PageBounds& bounds) {
  AlertHistoryPage page;
  Statement stmt = connection.Prepare(AlertPageSql(rule.has_value(), bounds.cursor.has_value()));
  if (rule) stmt.Bind(1, *rule);
  BindKeyset(stmt, bounds);
  page.next_cursor = ReadKeysetPage(stmt, bounds, 6, 0, page.transitions, ReadAlertTransition);
  return page;
}

std::vector<AlertStates> ReadAlertStates(SqliteConnection& connection) {
  std::vector<AlertStates> rules;
  Statement stmt = connection.Prepare(kSelectStates);
  while (stmt.Step()) {
    std::string rule = stmt.Text(0);
    if (rules.empty() || rules.back().rule != rule) rules.push_back(AlertStates{rule, {}});
    rules.back().alerts.push_back(ReadAlertState(stmt));
  }
  return rules;
}

}  // namespace fleetgate::storage
