#pragma once
// The workload shared by the storage benchmarks of both backends (storage_bench.cc for SQLite,
// storage_bench_postgres.cc for PostgreSQL): the size and time span of the big history, the
// latency and CPU measurements, and the workloads, each written once for any backend.

#include <benchmark/benchmark.h>
#include <prometheus/registry.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/epoch_ms.h"
#include "storage/records.h"

namespace fleetgate::storage::bench {

inline constexpr int64_t kServices = 10;
inline constexpr int64_t kInstances = 100;                                  // per service
inline constexpr int64_t kRowsPerInstance = 1000;                           // 1,000,000 rows
inline constexpr int64_t kStepMs = 30LL * 86400 * 1000 / kRowsPerInstance;  // 30 days
inline constexpr int64_t kBaseMs = 1700000000000;
inline constexpr int64_t kEndMs = kBaseMs + kRowsPerInstance * kStepMs;

inline void ReportLatencies(benchmark::State& state, std::vector<double>& millis) {
  if (millis.empty()) return;
  std::sort(millis.begin(), millis.end());
  auto at = [&](double q) {
    return millis[static_cast<size_t>(q * static_cast<double>(millis.size() - 1))];
  };
  state.counters["p50_ms"] = at(0.50);
  state.counters["p99_ms"] = at(0.99);
  state.counters["max_ms"] = millis.back();
}

// Times each call of `query(i)` and reports p50, p99 and max in milliseconds.
template <typename Query>
void MeasureEach(benchmark::State& state, Query query) {
  std::vector<double> millis;
  int64_t i = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    query(i++);
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    millis.push_back(took.count());
  }
  ReportLatencies(state, millis);
}

inline double ProcessCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

inline double MetricDropped(const prometheus::Registry& registry) {
  double dropped = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != "fleetgate_storage_dropped_total") continue;
    for (const auto& metric : family.metric) dropped += metric.counter.value;
  }
  return dropped;
}

// state.range(0) transitions per iteration through `writer`'s queue (Enqueue), then `flush()`
// (false: the flush failed). Rows per second of real time, and per CPU-second of this process
// (producer and writer threads; a PostgreSQL server's own CPU is not in it), a figure that holds
// when other work shares the machine.
template <typename Writer, typename Flush>
void MeasureWrites(benchmark::State& state, Writer& writer, Flush flush,
                   const prometheus::Registry& registry) {
  const int64_t rows = state.range(0);
  int64_t seq = 0;
  const double cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    for (int64_t i = 0; i < rows; ++i, ++seq) {
      writer.Enqueue(TransitionRecord{"svc-" + std::to_string(seq % kServices),
                                      "pod-" + std::to_string(seq % (kServices * kInstances)),
                                      "SERVING", "DEGRADED", "probe detail",
                                      FromEpochMs(kBaseMs + seq)});
    }
    if (!flush()) state.SkipWithError("flush failed");
  }
  state.SetItemsProcessed(state.iterations() * rows);
  state.counters["rows_per_cpu_s"] =
      static_cast<double>(state.iterations() * rows) / (ProcessCpuSeconds() - cpu_start);
  state.counters["dropped"] = MetricDropped(registry);
}

// The newest 100 rows of one instance of the big history, a different instance each time.
template <typename Reader>
void MeasureNewest100OfOneInstance(benchmark::State& state, Reader& reader) {
  MeasureEach(state, [&](int64_t i) {
    TransitionQuery query;
    query.service = "svc-" + std::to_string(i % kServices);
    query.instance = "pod-" + std::to_string((i * 7) % kInstances);
    query.limit = 100;
    auto page = reader.QueryTransitions(query);
    if (!page.ok() || page.value().transitions.size() != 100) state.SkipWithError("short page");
  });
}

// Availability over the last 7 days of the big history of one service (100 instances).
template <typename Reader>
void MeasureAvailability7Days(benchmark::State& state, Reader& reader) {
  MeasureEach(state, [&](int64_t i) {
    auto result =
        reader.Availability("svc-" + std::to_string(i % kServices),
                            FromEpochMs(kEndMs - 7LL * 86400 * 1000), FromEpochMs(kEndMs));
    if (!result.ok() || result.value().instances.size() != kInstances) {
      state.SkipWithError("wrong availability");
    }
  });
}

}  // namespace fleetgate::storage::bench
