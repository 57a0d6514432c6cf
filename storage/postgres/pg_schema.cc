#include "storage/postgres/pg_schema.h"

#include <stdexcept>
#include <string>

namespace fleetgate::storage {
namespace {

// Times are bigint milliseconds since the Unix epoch, as in SQLite. Never edit a released
// migration: append a new one.
constexpr const char* kMigrations[] = {
    // 1: health history (names inline: PostgreSQL's btree deduplication keeps the repeated
    // names cheap) and each instance's last state.
    R"sql(
CREATE TABLE health_transitions (
  id          bigserial PRIMARY KEY,
  service     text      NOT NULL,
  instance    text      NOT NULL,
  from_status text      NOT NULL,
  to_status   text      NOT NULL,
  detail      text      NOT NULL DEFAULT '',
  time_ms     bigint    NOT NULL
);
CREATE INDEX health_transitions_by_service ON health_transitions (service, time_ms, id);
CREATE INDEX health_transitions_by_instance
  ON health_transitions (service, instance, time_ms, id);
CREATE INDEX health_transitions_by_time ON health_transitions (time_ms);
CREATE TABLE instance_state (
  service         text   NOT NULL,
  instance        text   NOT NULL,
  status          text   NOT NULL,
  detail          text   NOT NULL DEFAULT '',
  version         text   NOT NULL DEFAULT '',
  status_since_ms bigint NOT NULL,
  last_seen_ms    bigint NOT NULL,
  checks_json     text   NOT NULL DEFAULT '{}',
  ttl_ms          bigint NOT NULL,
  PRIMARY KEY (service, instance)
);
)sql",
    // 2: alert rules, the alert state log and the active alerts of each rule.
    R"sql(
CREATE TABLE alert_rules (
  name            text   PRIMARY KEY,
  definition_json text   NOT NULL,
  created_ms      bigint NOT NULL,
  updated_ms      bigint NOT NULL
);
CREATE TABLE alert_history (
  id          bigserial PRIMARY KEY,
  rule        text      NOT NULL,
  labels_json text      NOT NULL DEFAULT '{}',
  from_state  text      NOT NULL,
  to_state    text      NOT NULL,
  value       double precision,
  time_ms     bigint    NOT NULL
);
CREATE INDEX alert_history_by_time ON alert_history (time_ms, id);
CREATE INDEX alert_history_by_rule ON alert_history (rule, time_ms, id);
CREATE TABLE alert_state (
  rule           text   NOT NULL,
  labels_json    text   NOT NULL,
  state          text   NOT NULL,
  active_at_ms   bigint NOT NULL,
  fired_at_ms    bigint,
  resolved_at_ms bigint,
  value          double precision,
  PRIMARY KEY (rule, labels_json)
);
)sql",
};

constexpr int kLatest = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));
// pg_advisory_xact_lock key of the migration ("fgschema"); the leader lock uses another key.
constexpr char kMigrationLockKey[] = "7379643744712925537";

}  // namespace

int LatestPostgresSchemaVersion() { return kLatest; }

int MigratePostgres(PgConnection& connection) {
  return connection.InTransaction([&] {
    connection.Exec(std::string("SELECT pg_advisory_xact_lock(") + kMigrationLockKey + ")");
    connection.Exec("CREATE TABLE IF NOT EXISTS fleetgate_schema (version integer NOT NULL)");
    PgRows rows = connection.Exec("SELECT COALESCE(MAX(version), 0) FROM fleetgate_schema");
    int current = static_cast<int>(rows.Int64(0, 0));
    if (current > kLatest) {
      throw std::runtime_error("PostgreSQL schema version " + std::to_string(current) +
                               " is newer than this fleetgate build supports (" +
                               std::to_string(kLatest) + "); upgrade fleetgate");
    }
    for (int version = current + 1; version <= kLatest; ++version) {
      connection.ExecScript(kMigrations[version - 1]);
      connection.Exec("INSERT INTO fleetgate_schema (version) VALUES ($1)",
                      {std::to_string(version)});
    }
    return current;
  });
}

}  // namespace fleetgate::storage
