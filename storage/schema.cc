#include "storage/schema.h"

#include <stdexcept>
#include <string>

namespace fleetgate::storage {
namespace {

// Times are integer milliseconds since the Unix epoch. Never edit a released migration:
// append a new one.
constexpr const char* kMigrations[] = {
    // 1: health history and each instance's last state. Services and instances are named
    // once in small dimension tables, so the history rows and both of their indexes hold
    // integers only: integer keys are shorter and compare faster than the (service, instance)
    // strings, which made index maintenance most of the writer's work.
    R"sql(
CREATE TABLE services (
  id   INTEGER PRIMARY KEY,
  name TEXT    NOT NULL UNIQUE
);
CREATE TABLE instances (
  id         INTEGER PRIMARY KEY,
  service_id INTEGER NOT NULL REFERENCES services (id),
  name       TEXT    NOT NULL,
  UNIQUE (service_id, name)
);
CREATE TABLE health_transitions (
  id          INTEGER PRIMARY KEY,
  service_id  INTEGER NOT NULL REFERENCES services (id),
  instance_id INTEGER NOT NULL REFERENCES instances (id),
  from_status TEXT    NOT NULL,
  to_status   TEXT    NOT NULL,
  detail      TEXT    NOT NULL DEFAULT '',
  time_ms     INTEGER NOT NULL
);
CREATE INDEX health_transitions_by_instance ON health_transitions (instance_id, time_ms);
CREATE INDEX health_transitions_by_service ON health_transitions (service_id, time_ms);
-- The history with its names, for people at the sqlite3 prompt; fleetgate reads the tables.
CREATE VIEW health_transitions_named AS
  SELECT t.id, s.name AS service, i.name AS instance, t.from_status, t.to_status, t.detail,
         t.time_ms
  FROM health_transitions AS t
  JOIN services AS s ON s.id = t.service_id
  JOIN instances AS i ON i.id = t.instance_id;
CREATE TABLE instance_state (
  service         TEXT    NOT NULL,
  instance        TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  detail          TEXT    NOT NULL DEFAULT '',
  version         TEXT    NOT NULL DEFAULT '',
  status_since_ms INTEGER NOT NULL,
  last_seen_ms    INTEGER NOT NULL,
  checks_json     TEXT    NOT NULL DEFAULT '{}',
  ttl_ms          INTEGER NOT NULL,
  PRIMARY KEY (service, instance)
) WITHOUT ROWID;
)sql",
    // 2: alert rules (one JSON definition per unique name) and the alert state log.
    R"sql(
CREATE TABLE alert_rules (
  name            TEXT    PRIMARY KEY,
  definition_json TEXT    NOT NULL,
  created_ms      INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL
);
CREATE TABLE alert_history (
  id          INTEGER PRIMARY KEY,
  rule        TEXT    NOT NULL,
  labels_json TEXT    NOT NULL DEFAULT '{}',
  from_state  TEXT    NOT NULL,
  to_state    TEXT    NOT NULL,
  value       REAL,
  time_ms     INTEGER NOT NULL
);
CREATE INDEX alert_history_by_time ON alert_history (time_ms);
CREATE INDEX alert_history_by_rule ON alert_history (rule, time_ms);
)sql",
    // 3: the active alerts of each rule, so a restart neither forgets a pending alert's start
    // nor notifies again of one already firing. `value` is NULL for NaN (SQLite has no NaN).
    R"sql(
CREATE TABLE alert_state (
  rule           TEXT    NOT NULL,
  labels_json    TEXT    NOT NULL,
  state          TEXT    NOT NULL,
  active_at_ms   INTEGER NOT NULL,
  fired_at_ms    INTEGER,
  resolved_at_ms INTEGER,
  value          REAL,
  PRIMARY KEY (rule, labels_json)
) WITHOUT ROWID;
)sql",
};

constexpr int kLatest = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

int ApplyInTransaction(SqliteConnection& connection, int target) {
  int current = static_cast<int>(connection.QueryInt("PRAGMA user_version"));
  if (current > kLatest || current > target) {
    throw std::runtime_error("database schema version " + std::to_string(current) +
                             " is newer than this fleetgate build supports (" +
                             std::to_string(target) +
                             "); upgrade fleetgate or point it at another database file");
  }
  for (int version = current + 1; version <= target; ++version) {
    connection.Exec(MigrationSql(version));
  }
  if (target != current) connection.Exec("PRAGMA user_version = " + std::to_string(target));
  return current;
}

}  // namespace

int LatestSchemaVersion() { return kLatest; }

const char* MigrationSql(int version) {
  if (version < 1 || version > kLatest) {
    throw std::out_of_range("no migration " + std::to_string(version));
  }
  return kMigrations[version - 1];
}

int MigrateTo(SqliteConnection& connection, int target) {
  // IMMEDIATE takes the write lock before reading the version, so two processes starting on
  // one file cannot both migrate.
  connection.Exec("BEGIN IMMEDIATE");
  try {
    int before = ApplyInTransaction(connection, target);
    connection.Exec("COMMIT");
    return before;
  } catch (...) {
    connection.RollbackQuietly();
    throw;
  }
}

}  // namespace fleetgate::storage
