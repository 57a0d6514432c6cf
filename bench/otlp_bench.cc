// Micro-benchmark of the OTLP ingest path: one 1000-point export of monotonic cumulative sums,
// decoded from its wire bytes and applied by ExportProcessor, with every stream already known
// (the steady state of an SDK exporting every few seconds). The exports are those of
// fleetgate-bench --mode otlp; before each one its values grow, so every point is an increase.

#include <benchmark/benchmark.h>

#include <cstdlib>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define FLEETGATE_OTLP_PROFILE_TOGGLE() CALLGRIND_TOGGLE_COLLECT
#else
#define FLEETGATE_OTLP_PROFILE_TOGGLE()
#endif

#include "load/otlp_workload.h"
#include "otlp/decode_arena.h"
#include "otlp/export_processor.h"
#include "support/ingest_pipeline.h"

namespace fleetgate {
namespace {

struct OtlpGateway : testing::IngestPipeline {
  OtlpGateway()
      : IngestPipeline(SystemClock::Shared(), StoreOptions()),
        otlp(otlp::OtlpOptions{}, store, registry, self_metrics, clock) {}

  static metrics::MetricStoreOptions StoreOptions() {
    metrics::MetricStoreOptions options;
    options.max_series_total = 1'000'000;
    return options;
  }

  otlp::ExportProcessor otlp;
};

// Decodes and applies one export as the gRPC MetricsService does.
void Apply(OtlpGateway& gateway, const std::string& wire) {
  thread_local otlp::DecodeArena arena;
  otlp::ExportRequest& decoded = *arena.NewRequest();
  if (!decoded.ParseFromString(wire)) std::abort();
  Result<otlp::ExportSummary> summary = gateway.otlp.Export(decoded);
  if (!summary.ok() || summary.value().rejected_data_points != 0) std::abort();
}

// Arg: distinct series, over 10 services × 4 instances as in fleetgate-bench.
void BM_OtlpExport(benchmark::State& state) {
  OtlpGateway gateway;
  bench::WorkloadShape shape;
  shape.series = static_cast<size_t>(state.range(0));
  std::vector<bench::OtlpBatch> batches = bench::OtlpBatchesFor(shape, 0, 1, 1);
  std::string wire;
  for (auto& batch : batches) {  // every stream known
    batch.Advance();
    Apply(gateway, batch.request.SerializeAsString());
  }
  size_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    batches[next].Advance();
    batches[next].request.SerializeToString(&wire);
    next = (next + 1) % batches.size();
    state.ResumeTiming();
    FLEETGATE_OTLP_PROFILE_TOGGLE();
    Apply(gateway, wire);
    FLEETGATE_OTLP_PROFILE_TOGGLE();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(shape.batch));
}
BENCHMARK(BM_OtlpExport)->Arg(10'000)->Arg(100'000);
// For callgrind: a fixed count of timed exports, so instructions per export are total / 20.
BENCHMARK(BM_OtlpExport)->Arg(10'000)->Iterations(20);

}  // namespace
}  // namespace fleetgate
