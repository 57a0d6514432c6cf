#include "storage/postgres/pg_queries.h"

#include <limits>

#include "storage/availability.h"
#include "storage/epoch_ms.h"

namespace fleetgate::storage {
namespace {

// The keyset tail after a query's own conditions on $1..$(n-1): bounds, cursor, order, limit.
std::string KeysetTail(const PageBounds& bounds, std::vector<PgParam>& params) {
  auto next = [&](std::string value) {
    params.emplace_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  std::string sql = " AND time_ms >= " + next(ToParam(bounds.low_ms)) +
                    " AND time_ms <= " + next(ToParam(bounds.high_ms));
  if (bounds.cursor) {
    sql += " AND (time_ms, id) < (" + next(ToParam(bounds.cursor->time_ms)) + ", " +
           next(ToParam(bounds.cursor->id)) + ")";
  }
  sql += " ORDER BY time_ms DESC, id DESC LIMIT " +
         next(ToParam(static_cast<int64_t>(bounds.limit) + 1));
  return sql;
}

// Appends up to bounds.limit rows; the next page's cursor, empty when none follows.
template <typename Row, typename Read>
std::string ReadPage(const PgRows& rows, const PageBounds& bounds, int time_column, int id_column,
                     std::vector<Row>& out, Read read) {
  for (int r = 0; r < rows.size(); ++r) {
    if (r == bounds.limit) {
      return EncodeCursor(CursorKey{rows.Int64(r - 1, time_column), rows.Int64(r - 1, id_column)});
    }
    out.push_back(read(rows, r));
  }
  return {};
}

std::optional<TimePoint> OptionalTime(const PgRows& rows, int r, int c) {
  if (rows.IsNull(r, c)) return std::nullopt;
  return FromEpochMs(rows.Int64(r, c));
}

}  // namespace

TransitionPage PgReadTransitions(PgConnection& connection, const TransitionQuery& query,
                                 const PageBounds& bounds) {
  std::vector<PgParam> params = {query.service};
  std::string sql =
      "SELECT id, service, instance, from_status, to_status, detail, time_ms"
      " FROM health_transitions WHERE service = $1";
  if (query.instance) {
    params.emplace_back(*query.instance);
    sql += " AND instance = $2";
  }
  sql += KeysetTail(bounds, params);
  TransitionPage page;
  PgRows rows = connection.Exec(sql, params);
  page.next_cursor = ReadPage(rows, bounds, 6, 0, page.transitions, [](const PgRows& row, int r) {
    return TransitionRecord{row.Text(r, 1), row.Text(r, 2), row.Text(r, 3),
                            row.Text(r, 4), row.Text(r, 5), FromEpochMs(row.Int64(r, 6))};
  });
  return page;
}

std::vector<InstanceState> PgReadInstanceStates(PgConnection& connection) {
  PgRows rows = connection.Exec(
      "SELECT service, instance, status, detail, version, status_since_ms, last_seen_ms,"
      " checks_json, ttl_ms FROM instance_state ORDER BY service COLLATE \"C\", instance COLLATE "
      "\"C\"");
  std::vector<InstanceState> states;
  for (int r = 0; r < rows.size(); ++r) {
    InstanceState s;
    s.service = rows.Text(r, 0);
    s.instance = rows.Text(r, 1);
    s.status = rows.Text(r, 2);
    s.detail = rows.Text(r, 3);
    s.version = rows.Text(r, 4);
    s.status_since = FromEpochMs(rows.Int64(r, 5));
    s.last_seen = FromEpochMs(rows.Int64(r, 6));
    s.checks_json = rows.Text(r, 7);
    s.ttl = std::chrono::milliseconds(rows.Int64(r, 8));
    states.push_back(std::move(s));
  }
  return states;
}

ServiceAvailability PgReadAvailability(PgConnection& connection, const std::string& service,
                                       TimePoint start, TimePoint end) {
  AvailabilityBuilder builder(service, start, end);
  const std::string start_ms = ToParam(ToEpochMs(start));
  // Each instance's last status before the window: the service's instances found by a loose
  // index scan (PostgreSQL has no skip scan: DISTINCT ON read and sorted every older row), then
  // one index seek per instance, both on health_transitions_by_instance.
  PgRows before = connection.Exec(
      "WITH RECURSIVE instances(name) AS ("
      " (SELECT instance FROM health_transitions WHERE service = $1 ORDER BY instance LIMIT 1)"
      " UNION ALL SELECT (SELECT h.instance FROM health_transitions h WHERE h.service = $1"
      " AND h.instance > i.name ORDER BY h.instance LIMIT 1) FROM instances i"
      " WHERE i.name IS NOT NULL)"
      " SELECT i.name, last.to_status FROM instances i CROSS JOIN LATERAL"
      " (SELECT to_status FROM health_transitions h WHERE h.service = $1 AND h.instance = i.name"
      " AND h.time_ms < $2 ORDER BY h.time_ms DESC, h.id DESC LIMIT 1) last",
      {service, start_ms});
  for (int r = 0; r < before.size(); ++r) {
    builder.SetInitialStatus(before.Text(r, 0), before.Text(r, 1));
  }
  PgRows within = connection.Exec(
      "SELECT instance, to_status, time_ms FROM health_transitions"
      " WHERE service = $1 AND time_ms >= $2 AND time_ms < $3 ORDER BY time_ms, id",
      {service, start_ms, ToParam(ToEpochMs(end))});
  for (int r = 0; r < within.size(); ++r) {
    builder.AddTransition(within.Text(r, 0), within.Text(r, 1), FromEpochMs(within.Int64(r, 2)));
  }
  return builder.Build();
}

AlertHistoryPage PgReadAlertHistory(PgConnection& connection,
                                    const std::optional<std::string>& rule,
                                    const PageBounds& bounds) {
  std::vector<PgParam> params;
  std::string sql =
      "SELECT id, rule, labels_json, from_state, to_state, value, time_ms FROM alert_history"
      " WHERE true";
  if (rule) {
    params.emplace_back(*rule);
    sql += " AND rule = $1";
  }
  sql += KeysetTail(bounds, params);
  AlertHistoryPage page;
  PgRows rows = connection.Exec(sql, params);
  page.next_cursor = ReadPage(rows, bounds, 6, 0, page.transitions, [](const PgRows& row, int r) {
    AlertTransition t;
    t.rule = row.Text(r, 1);
    t.labels_json = row.Text(r, 2);
    t.from = row.Text(r, 3);
    t.to = row.Text(r, 4);
    if (!row.IsNull(r, 5)) t.value = row.Double(r, 5);
    t.time = FromEpochMs(row.Int64(r, 6));
    return t;
  });
  return page;
}

std::vector<AlertStates> PgReadAlertStates(PgConnection& connection) {
  PgRows rows = connection.Exec(
      "SELECT rule, labels_json, state, active_at_ms, fired_at_ms, resolved_at_ms, value"
      " FROM alert_state ORDER BY rule COLLATE \"C\", labels_json COLLATE \"C\"");
  std::vector<AlertStates> rules;
  for (int r = 0; r < rows.size(); ++r) {
    std::string name = rows.Text(r, 0);
    if (rules.empty() || rules.back().rule != name) rules.push_back(AlertStates{name, {}});
    AlertStateRecord record;
    record.labels_json = rows.Text(r, 1);
    record.state = rows.Text(r, 2);
    record.active_at = FromEpochMs(rows.Int64(r, 3));
    record.fired_at = OptionalTime(rows, r, 4);
    record.resolved_at = OptionalTime(rows, r, 5);
    record.value = rows.IsNull(r, 6) ? std::numeric_limits<double>::quiet_NaN() : rows.Double(r, 6);
    rules.back().alerts.push_back(std::move(record));
  }
  return rules;
}

}  // namespace fleetgate::storage
