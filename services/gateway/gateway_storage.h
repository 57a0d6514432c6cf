#pragma once
// GatewayStorage: the storage backend chosen by `storage.backend`, opened at start-up behind
// the seams the gateway uses (HistorySink, HistorySource, RuleRepository): SQLite (the
// embedded default) or PostgreSQL (several replicas, one leader). Thread-safe as its parts.

#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "config/config.h"
#include "core/clock.h"
#include "storage/database.h"
#include "storage/history_reader.h"
#include "storage/history_writer.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_rule_store.h"
#include "storage/postgres/postgres_store.h"
#include "storage/rule_store.h"

namespace fleetgate {

class GatewayStorage {
 public:
  // Opens and migrates the database; throws on failure (a start-up error).
  GatewayStorage(const config::Config& config, std::shared_ptr<const Clock> clock,
                 prometheus::Registry& registry);

  storage::HistorySink& sink() { return *sink_; }
  const storage::HistorySource& source() const { return *source_; }
  storage::RuleRepository& rules() { return *rules_; }
  bool postgres() const { return postgres_ != nullptr; }
  // Waits up to `wait` for what is queued to be committed, so a history read sees every
  // transition the registry already shows; false on timeout.
  bool CommitQueued(std::chrono::milliseconds wait);
  // Where the data lives, for logs and the readiness probe: a file, or a redacted URL.
  const std::string& description() const { return description_; }
  // Commits what is queued (bounded) and stops the writer. Idempotent.
  void Stop();

 private:
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::HistoryWriter> writer_;
  std::unique_ptr<storage::HistoryReader> reader_;
  std::unique_ptr<storage::RuleStore> rule_store_;
  std::unique_ptr<storage::PostgresStore> postgres_;
  std::unique_ptr<storage::PgRuleStore> pg_rules_;
  storage::HistorySink* sink_ = nullptr;
  storage::HistorySource* source_ = nullptr;
  storage::RuleRepository* rules_ = nullptr;
  std::string description_;
};

// The connection settings of storage.postgres.*: the password from postgres.password, else
// from the file postgres.password_file (trailing newline dropped), else left to libpq
// (PGPASSWORD, ~/.pgpass). Throws std::runtime_error when the file cannot be read.
storage::PgConnectOptions PostgresConnectOptionsFrom(const config::Config& config);

}  // namespace fleetgate
