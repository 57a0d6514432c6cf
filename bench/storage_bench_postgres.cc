// The storage micro-benchmarks of storage_bench.cc against PostgreSQL, in the same binary so
// both backends run in one sitting: writer throughput through PostgresStore's write-behind
// queue, the newest 100 rows of one instance out of 1,000,000, and availability over 7 days of
// a service of 100 instances. The server is a real PostgreSQL 15 started like the tests start
// it (tests/support/postgres_server: loopback, fsync off, synchronous_commit off).
#include <benchmark/benchmark.h>
#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "storage/epoch_ms.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/postgres_store.h"
#include "storage_bench_shape.h"
#include "support/postgres_server.h"

namespace fleetgate::storage {
namespace {

PostgresStoreOptions OptionsFor(const std::string& url) {
  PostgresStoreOptions options;
  options.connect.url = url;
  options.queue_capacity = 1 << 20;
  options.batch_rows = 1000;
  options.max_transaction_rows = 50000;
  options.flush_interval = std::chrono::seconds(1);
  options.retention = std::chrono::milliseconds(0);
  return options;
}

// The same 1,000,000 rows as the SQLite BigHistory: 10 services of 100 instances, 1,000 rows
// each over 30 days, written once in time order, then ANALYZE.
struct PgBigHistory {
  prometheus::Registry registry;
  std::unique_ptr<PostgresStore> store;

  PgBigHistory() {
    const std::string url = testing::SharedPostgres().CreateDatabase("bench_history");
    store = std::make_unique<PostgresStore>(OptionsFor(url), SystemClock::Shared(), registry);
    PgConnectOptions connect;
    connect.url = url;
    PgConnection connection(connect);
    connection.Exec(
        "INSERT INTO health_transitions (service, instance, from_status, to_status, detail,"
        " time_ms) SELECT 'svc-' || (i % 10), 'pod-' || ((i / 10) % 100),"
        " CASE (i / 1000) % 2 WHEN 0 THEN 'DEGRADED' ELSE 'SERVING' END,"
        " CASE (i / 1000) % 2 WHEN 0 THEN 'SERVING' ELSE 'DEGRADED' END, 'probe detail', " +
        std::to_string(bench::kBaseMs) + " + (i / 1000) * " + std::to_string(bench::kStepMs) +
        " + (i % 1000) * 1000 FROM generate_series(0::bigint, 999999) AS i");
    connection.Exec("ANALYZE health_transitions");
  }
};

PgBigHistory& History() {
  static PgBigHistory history;  // built on first use, kept for all runs
  return history;
}

void BM_Postgres_WriterThroughput(benchmark::State& state) {
  static int run = 0;
  const std::string url =
      testing::SharedPostgres().CreateDatabase("bench_writer_" + std::to_string(run++));
  prometheus::Registry registry;
  PostgresStore store(OptionsFor(url), SystemClock::Shared(), registry);
  bench::MeasureWrites(
      state, store, [&] { return store.FlushFor(std::chrono::minutes(5)); }, registry);
}

void BM_Postgres_HistoryNewest100OfOneInstance(benchmark::State& state) {
  bench::MeasureNewest100OfOneInstance(state, *History().store);
}

void BM_Postgres_Availability7DaysOf100Instances(benchmark::State& state) {
  bench::MeasureAvailability7Days(state, *History().store);
}

BENCHMARK(BM_Postgres_WriterThroughput)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Postgres_HistoryNewest100OfOneInstance)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Postgres_Availability7DaysOf100Instances)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetgate::storage
