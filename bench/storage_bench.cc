// Storage micro-benchmarks against the targets: writer throughput (>= 200,000
// transitions/s), newest 100 rows of one instance out of 1,000,000 (p99 <= 2 ms), availability
// over 7 days for a service of 100 instances (<= 50 ms). SQLite here; the same workload against
// PostgreSQL is storage_bench_postgres.cc, in the same binary when the tests are built.
#include <benchmark/benchmark.h>
#include <prometheus/registry.h>
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/epoch_ms.h"
#include "storage/history_reader.h"
#include "storage/history_writer.h"
#include "storage_bench_shape.h"

namespace fleetgate::storage {
namespace {

using bench::kServices;
using bench::MeasureEach;

class BenchDir {
 public:
  BenchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fleetgate-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~BenchDir() { std::filesystem::remove_all(path_); }
  std::string File() const { return (path_ / "bench.db").string(); }

 private:
  std::filesystem::path path_;
};

DatabaseOptions OptionsFor(const BenchDir& dir) {
  DatabaseOptions options;
  options.path = dir.File();
  return options;
}

// The 1,000,000-row history shared by the query benchmarks, written once in time order.
struct BigHistory {
  BenchDir dir;
  Database database{OptionsFor(dir)};
  prometheus::Registry registry;
  std::unique_ptr<HistoryReader> reader;

  BigHistory() {
    SqliteConnection connection = database.Connect(ConnectionRole::kWriter);
    connection.Exec("BEGIN");
    // Service k is id k + 1, and pod p of it is id k * 100 + p + 1.
    connection.Exec(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9)"
        " INSERT INTO services (id, name) SELECT i + 1, 'svc-' || i FROM n");
    connection.Exec(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)"
        " INSERT INTO instances (id, service_id, name) SELECT i + 1, i / 100 + 1,"
        " 'pod-' || (i % 100) FROM n");
    connection.Exec(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)"
        " INSERT INTO health_transitions (service_id, instance_id, from_status, to_status,"
        " detail, time_ms) SELECT i % 10 + 1, (i % 10) * 100 + (i / 10) % 100 + 1,"
        " CASE (i / 1000) % 2 WHEN 0 THEN 'DEGRADED' ELSE 'SERVING' END,"
        " CASE (i / 1000) % 2 WHEN 0 THEN 'SERVING' ELSE 'DEGRADED' END, 'probe detail', " +
        std::to_string(bench::kBaseMs) + " + (i / 1000) * " + std::to_string(bench::kStepMs) +
        " + (i % 1000) * 1000 FROM n");
    connection.Exec("COMMIT");
    reader = std::make_unique<HistoryReader>(database, registry);
  }
};

BigHistory& History() {
  static BigHistory history;  // built on first use, kept for all runs, removed at exit
  return history;
}

void BM_WriterThroughput(benchmark::State& state) {
  BenchDir dir;
  Database database(OptionsFor(dir));
  prometheus::Registry registry;
  HistoryWriterOptions options;
  options.queue_capacity = 1 << 20;
  options.batch_rows = 1000;
  options.max_transaction_rows = 50000;
  options.flush_interval = std::chrono::seconds(1);
  options.retention = std::chrono::milliseconds(0);
  HistoryWriter writer(database, options, SystemClock::Shared(), registry);
  bench::MeasureWrites(
      state, writer,
      [&] {
        writer.Flush();
        return true;
      },
      registry);
}

void BM_HistoryNewest100OfOneInstance(benchmark::State& state) {
  bench::MeasureNewest100OfOneInstance(state, *History().reader);
}

void BM_HistorySecondPageOfOneService(benchmark::State& state) {
  HistoryReader& reader = *History().reader;
  MeasureEach(state, [&](int64_t i) {
    TransitionQuery query;
    query.service = "svc-" + std::to_string(i % kServices);
    query.limit = 100;
    query.cursor = reader.QueryTransitions(query).value().next_cursor;
    if (!reader.QueryTransitions(query).ok()) state.SkipWithError("query failed");
  });
}

void BM_Availability7DaysOf100Instances(benchmark::State& state) {
  bench::MeasureAvailability7Days(state, *History().reader);
}

BENCHMARK(BM_WriterThroughput)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_HistoryNewest100OfOneInstance)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HistorySecondPageOfOneService)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Availability7DaysOf100Instances)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetgate::storage

BENCHMARK_MAIN();
