#include "backend_fixture.h"

#include <algorithm>
#include <atomic>
#include <cctype>

#include "support/postgres_server.h"

namespace fleetgate::storage {

SqliteBackend::SqliteBackend() {
  DatabaseOptions options;
  options.path = (dir_.path() / "fleetgate.db").string();
  database_ = std::make_unique<Database>(options);
  HistoryWriterOptions writer;
  writer.queue_capacity = 100000;
  writer.batch_rows = 1000;
  writer.max_transaction_rows = 50000;
  writer.retention_interval = std::chrono::hours(1);
  writer.flush_interval = std::chrono::hours(1);
  writer.retention = std::chrono::milliseconds(0);
  writer_ = std::make_unique<HistoryWriter>(*database_, writer, std::make_shared<SystemClock>(),
                                            registry_);
  reader_ = std::make_unique<HistoryReader>(*database_, registry_);
  rules_ = std::make_unique<RuleStore>(*database_, registry_);
}

PostgresStoreOptions TestPostgresOptions(const std::string& url) {
  PostgresStoreOptions options;
  options.connect.url = url;
  options.flush_interval = std::chrono::hours(1);
  options.retention = std::chrono::milliseconds(0);
  options.retry_initial = std::chrono::milliseconds(10);
  options.retry_max = std::chrono::milliseconds(200);
  return options;
}

std::string FreshPostgresDatabase() {
  static std::atomic<int> counter{0};
  std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  return testing::SharedPostgres().CreateDatabase(name);
}

PostgresBackend::PostgresBackend() {
  PostgresStoreOptions options = TestPostgresOptions(FreshPostgresDatabase());
  store_ = std::make_unique<PostgresStore>(options, std::make_shared<SystemClock>(), registry_);
  rules_ = std::make_unique<PgRuleStore>(options.connect);
}

}  // namespace fleetgate::storage
