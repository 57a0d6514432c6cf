#include "storage/history_reader.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "storage/alert_queries.h"
#include "storage/availability.h"
#include "storage/epoch_ms.h"
#include "storage/keyset_page.h"
#include "storage/storage_error.h"

namespace fleetgate::storage {
namespace {

constexpr char kSelectStates[] =
    "SELECT service, instance, status, detail, version, status_since_ms, last_seen_ms,"
    " checks_json, ttl_ms FROM instance_state ORDER BY service, instance";

constexpr char kServiceId[] = "SELECT id FROM services WHERE name = ?1";
constexpr char kInstanceId[] =
    "SELECT i.id FROM services AS s JOIN instances AS i ON i.service_id = s.id"
    " WHERE s.name = ?1 AND i.name = ?2";

// One index seek per instance of the service: each one's last status before
// the window (NULL if none).
constexpr char kStatusBeforeWindow[] = R"sql(
SELECT i.id, i.name, (SELECT to_status FROM health_transitions
                      INDEXED BY health_transitions_by_instance
                      WHERE instance_id = i.id AND time_ms < ?2
                      ORDER BY time_ms DESC, id DESC LIMIT 1)
FROM instances AS i WHERE i.service_id = ?1 ORDER BY i.name)sql";

constexpr char kInstanceName[] = "SELECT name FROM instances WHERE id = ?1";

constexpr char kTransitionsInWindow[] =
    "SELECT instance_id, to_status, time_ms FROM health_transitions INDEXED BY"
    " health_transitions_by_service WHERE service_id = ?1 AND time_ms >= ?2 AND time_ms < ?3"
    " ORDER BY time_ms, id";

// The newest-first page query on the ids of the query's names. Instance names come from
// `instances` by rowid, one lookup per row.
std::string PageSql(bool with_instance, bool with_cursor) {
  std::string sql =
      "SELECT t.id, i.name, t.from_status, t.to_status, t.detail, t.time_ms"
      " FROM health_transitions AS t INDEXED BY ";
  sql += with_instance ? "health_transitions_by_instance" : "health_transitions_by_service";
  sql += " CROSS JOIN instances AS i ON i.id = t.instance_id WHERE ";
  sql += with_instance ? "t.instance_id = ?2" : "t.service_id = ?1";
  return sql + KeysetSqlTail("t", with_cursor);
}

// The id of the query's service (or instance); nullopt when it never had a row.
std::optional<int64_t> LookUpId(SqliteConnection& connection, const TransitionQuery& query) {
  Statement stmt = connection.Prepare(query.instance ? kInstanceId : kServiceId);
  stmt.Bind(1, query.service);
  if (query.instance) stmt.Bind(2, *query.instance);
  if (!stmt.Step()) return std::nullopt;
  return stmt.Int64(0);
}

TransitionRecord ReadTransition(const Statement& row, const std::string& service) {
  return TransitionRecord{service,     row.Text(1), row.Text(2),
                          row.Text(3), row.Text(4), FromEpochMs(row.Int64(5))};
}

TransitionPage ReadPage(SqliteConnection& connection, const TransitionQuery& query,
                        const PageBounds& bounds) {
  TransitionPage page;
  std::optional<int64_t> id = LookUpId(connection, query);
  if (!id) return page;
  Statement stmt =
      connection.Prepare(PageSql(query.instance.has_value(), bounds.cursor.has_value()));
  stmt.Bind(query.instance ? 2 : 1, *id);
  BindKeyset(stmt, bounds);
  page.next_cursor =
      ReadKeysetPage(stmt, bounds, 5, 0, page.transitions,
                     [&](const Statement& row) { return ReadTransition(row, query.service); });
  return page;
}

InstanceState ReadState(const Statement& row) {
  InstanceState state;
  state.service = row.Text(0);
  state.instance = row.Text(1);
  state.status = row.Text(2);
  state.detail = row.Text(3);
  state.version = row.Text(4);
  state.status_since = FromEpochMs(row.Int64(5));
  state.last_seen = FromEpochMs(row.Int64(6));
  state.checks_json = row.Text(7);
  state.ttl = std::chrono::milliseconds(row.Int64(8));
  return state;
}

ServiceAvailability ComputeAvailability(SqliteConnection& connection, const std::string& service,
                                        TimePoint start, TimePoint end) {
  AvailabilityBuilder builder(service, start, end);
  TransitionQuery by_service;
  by_service.service = service;
  std::optional<int64_t> service_id = LookUpId(connection, by_service);
  if (!service_id) return builder.Build();
  std::unordered_map<int64_t, std::string> names;
  Statement before = connection.Prepare(kStatusBeforeWindow);
  before.Bind(1, *service_id).Bind(2, ToEpochMs(start));
  while (before.Step()) {
    const std::string& name = names[before.Int64(0)] = before.Text(1);
    if (!before.IsNull(2)) builder.SetInitialStatus(name, before.Text(2));
  }
  Statement within = connection.Prepare(kTransitionsInWindow);
  within.Bind(1, *service_id).Bind(2, ToEpochMs(start)).Bind(3, ToEpochMs(end));
  while (within.Step()) {
    auto name = names.find(within.Int64(0));
    if (name == names.end()) {  // an instance committed between the two statements
      Statement lookup = connection.Prepare(kInstanceName);
      lookup.Bind(1, within.Int64(0));
      name = names.emplace(within.Int64(0), lookup.Step() ? lookup.Text(0) : "").first;
    }
    builder.AddTransition(name->second, within.Text(1), FromEpochMs(within.Int64(2)));
  }
  return builder.Build();
}

}  // namespace

HistoryReader::HistoryReader(const Database& database, prometheus::Registry& registry,
                             size_t max_connections)
    : pool_(database, ConnectionRole::kReader, max_connections), metrics_(registry) {}

template <typename T, typename Query>
Result<T> HistoryReader::Run(Query query) const {
  try {
    ConnectionPool::Lease lease = pool_.Acquire();
    return query(*lease);
  } catch (const SqliteError& e) {
    metrics_.CountError(StorageOp::kRead, e.kind());
    return Unavailable(e.what());
  }
}

Result<TransitionPage> HistoryReader::QueryTransitions(const TransitionQuery& query) const {
  Result<PageBounds> bounds = MakePageBounds(query.limit, query.from, query.to, query.cursor);
  if (!bounds.ok()) return bounds.error();
  if (bounds.value().empty()) return TransitionPage{};
  return Run<TransitionPage>(
      [&](SqliteConnection& connection) { return ReadPage(connection, query, bounds.value()); });
}

Result<std::vector<InstanceState>> HistoryReader::LoadInstanceStates() const {
  return Run<std::vector<InstanceState>>([](SqliteConnection& connection) {
    std::vector<InstanceState> states;
    Statement stmt = connection.Prepare(kSelectStates);
    while (stmt.Step()) states.push_back(ReadState(stmt));
    return states;
  });
}

Result<ServiceAvailability> HistoryReader::Availability(const std::string& service,
                                                        TimePoint window_start,
                                                        TimePoint window_end) const {
  if (window_end < window_start) {
    return InvalidParameter("window", "ends before it starts");
  }
  return Run<ServiceAvailability>([&](SqliteConnection& connection) {
    return ComputeAvailability(connection, service, window_start, window_end);
  });
}

Result<AlertHistoryPage> HistoryReader::QueryAlertHistory(const AlertHistoryQuery& query) const {
  Result<PageBounds> bounds = MakePageBounds(query.limit, query.from, query.to, query.cursor);
  if (!bounds.ok()) return bounds.error();
  if (bounds.value().empty()) return AlertHistoryPage{};
  return Run<AlertHistoryPage>([&](SqliteConnection& connection) {
    return ReadAlertPage(connection, query.rule, bounds.value());
  });
}

Result<std::vector<AlertStates>> HistoryReader::LoadAlertStates() const {
  return Run<std::vector<AlertStates>>(
      [](SqliteConnection& connection) { return ReadAlertStates(connection); });
}

}  // namespace fleetgate::storage
