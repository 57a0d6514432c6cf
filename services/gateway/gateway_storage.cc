#include "gateway_storage.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "options.h"

namespace fleetgate {

bool GatewayStorage::CommitQueued(std::chrono::milliseconds wait) {
  return postgres_ ? postgres_->FlushFor(wait) : writer_->FlushFor(wait);
}

storage::PgConnectOptions PostgresConnectOptionsFrom(const config::Config& config) {
  storage::PgConnectOptions options;
  options.url = config.storage.postgres_url;
  options.password = config.storage.postgres_password;
  const std::string& file = config.storage.postgres_password_file;
  if (options.password.empty() && !file.empty()) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read storage.postgres.password_file " + file);
    std::ostringstream text;
    text << in.rdbuf();
    options.password = text.str();
    while (!options.password.empty() &&
           (options.password.back() == '\n' || options.password.back() == '\r')) {
      options.password.pop_back();
    }
  }
  return options;
}

GatewayStorage::GatewayStorage(const config::Config& config, std::shared_ptr<const Clock> clock,
                               prometheus::Registry& registry) {
  if (config.storage.backend == "postgres") {
    storage::PostgresStoreOptions options;
    options.connect = PostgresConnectOptionsFrom(config);
    options.queue_capacity = config.storage.queue_capacity;
    options.batch_rows = config.storage.batch_rows;
    options.flush_interval = config.storage.flush_interval;
    options.retention = config.storage.retention;
    options.retention_interval = config.storage.retention_interval;
    postgres_ = std::make_unique<storage::PostgresStore>(options, std::move(clock), registry);
    pg_rules_ = std::make_unique<storage::PgRuleStore>(options.connect);
    sink_ = postgres_.get();
    source_ = postgres_.get();
    rules_ = pg_rules_.get();
    description_ = "postgres " + storage::RedactUrl(options.connect.url);
    return;
  }
  database_ = std::make_unique<storage::Database>(DatabaseOptionsFrom(config));
  writer_ = std::make_unique<storage::HistoryWriter>(*database_, WriterOptionsFrom(config),
                                                     std::move(clock), registry);
  reader_ = std::make_unique<storage::HistoryReader>(*database_, registry);
  rule_store_ = std::make_unique<storage::RuleStore>(*database_, registry);
  if (config.storage.max_size_bytes > 0) {
    writer_->SetMaxPageCount(static_cast<int64_t>(config.storage.max_size_bytes) /
                             database_->options().page_size_bytes);
  }
  sink_ = writer_.get();
  source_ = reader_.get();
  rules_ = rule_store_.get();
  description_ = config.storage.database;
}

void GatewayStorage::Stop() {
  if (writer_) writer_->Stop();
  if (postgres_) postgres_->Stop();
}

}  // namespace fleetgate
