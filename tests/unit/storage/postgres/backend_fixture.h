#pragma once
// One storage backend set up for the typed behaviour tests: SQLite in a temporary directory, or
// a fresh database on the shared real PostgreSQL. Both expose the same seams (HistorySink,
// HistorySource, RuleRepository) plus a flush and retention. Not thread-safe.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "storage/history_reader.h"
#include "storage/history_writer.h"
#include "storage/postgres/pg_rule_store.h"
#include "storage/postgres/postgres_store.h"
#include "storage/rule_store.h"
#include "storage_fixture.h"

namespace fleetgate::storage {

class StorageBackend {
 public:
  virtual ~StorageBackend() = default;
  virtual HistorySink& sink() = 0;
  virtual HistorySource& source() = 0;
  virtual RuleRepository& rules() = 0;
  virtual void Flush() = 0;
  virtual Result<int64_t> ApplyRetention(TimePoint cutoff) = 0;
};

class SqliteBackend final : public StorageBackend {
 public:
  static constexpr char kName[] = "sqlite";
  SqliteBackend();
  HistorySink& sink() override { return *writer_; }
  HistorySource& source() override { return *reader_; }
  RuleRepository& rules() override { return *rules_; }
  void Flush() override { writer_->Flush(); }
  Result<int64_t> ApplyRetention(TimePoint cutoff) override {
    return writer_->ApplyRetention(cutoff);
  }

 private:
  TempDir dir_;
  prometheus::Registry registry_;
  std::unique_ptr<Database> database_;
  std::unique_ptr<HistoryWriter> writer_;
  std::unique_ptr<HistoryReader> reader_;
  std::unique_ptr<RuleStore> rules_;
};

class PostgresBackend final : public StorageBackend {
 public:
  static constexpr char kName[] = "postgres";
  PostgresBackend();
  HistorySink& sink() override { return *store_; }
  HistorySource& source() override { return *store_; }
  RuleRepository& rules() override { return *rules_; }
  void Flush() override { ASSERT_TRUE(store_->FlushFor(std::chrono::seconds(30))); }
  Result<int64_t> ApplyRetention(TimePoint cutoff) override {
    return store_->ApplyRetention(cutoff);
  }

 private:
  prometheus::Registry registry_;
  std::unique_ptr<PostgresStore> store_;
  std::unique_ptr<PgRuleStore> rules_;
};

// Options for a PostgresStore on `url` that commit only when flushed and never age out rows.
PostgresStoreOptions TestPostgresOptions(const std::string& url);
// A fresh database on the shared server, named after the running test.
std::string FreshPostgresDatabase();

}  // namespace fleetgate::storage
