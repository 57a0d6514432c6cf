#pragma once
// The workload shared by the storage benchmarks of both backends (storage_bench.cc for SQLite,
// storage_bench_postgres.cc for PostgreSQL): the size and time span of the big history, and
// the latency and CPU measurements.

#include <benchmark/benchmark.h>
#include <prometheus/registry.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

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

}  // namespace fleetgate::storage::bench
