// Micro-benchmarks of the ingest hot path: validate + resolve series + update, per event, with
// the series cache warm (the steady state) and cold (first sighting of each series).

#include <benchmark/benchmark.h>

// Under `valgrind --tool=callgrind --collect-atstart=no`, only the timed loops are counted, so
// instructions per iteration can be read off (the macros do nothing outside valgrind).
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define FLEETGATE_PROFILE_BEGIN() CALLGRIND_TOGGLE_COLLECT
#define FLEETGATE_PROFILE_END() CALLGRIND_TOGGLE_COLLECT
#else
#define FLEETGATE_PROFILE_BEGIN()
#define FLEETGATE_PROFILE_END()
#endif

#include <prometheus/registry.h>

#include "health/health_registry.h"
#include "ingest/batch_processor.h"
#include "ingest/ingest_service.h"
#include "metrics/exposition.h"
#include "metrics/metric_store.h"
#include "metrics/self_metrics.h"
#include "support/ingest_pipeline.h"

namespace fleetgate {
namespace {

// The gateway's own ingest wiring (tests/support), with a series cap large enough for every
// benchmark.
struct Gateway : testing::IngestPipeline {
  explicit Gateway(size_t max_series = 1'000'000)
      : IngestPipeline(SystemClock::Shared(), StoreOptions(max_series)) {}

  static metrics::MetricStoreOptions StoreOptions(size_t max_series) {
    metrics::MetricStoreOptions options;
    options.max_series_total = max_series;
    options.max_series_per_metric = max_series;
    return options;
  }
};

// A batch of `events` counter increments spread over `series` distinct label values.
v1::ReportRequest CounterBatch(int events, int series, int offset = 0) {
  v1::ReportRequest request;
  request.mutable_source()->set_service("billing");
  request.mutable_source()->set_instance("billing-0");
  (*request.mutable_source()->mutable_labels())["region"] = "eu-west-1";
  for (int i = 0; i < events; ++i) {
    auto* counter = request.add_events()->mutable_counter();
    counter->set_name("http_requests_total");
    counter->set_delta(1);
    (*counter->mutable_labels())["route"] = "/r/" + std::to_string((offset + i) % series);
    (*counter->mutable_labels())["code"] = "200";
  }
  return request;
}

// Serialized batches of 1000 counter increments covering `series` distinct series.
std::vector<std::string> SerializedBatches(int series) {
  std::vector<std::string> batches;
  for (int offset = 0; offset < series; offset += 1000) {
    batches.push_back(CounterBatch(1000, series, offset).SerializeAsString());
  }
  return batches;
}

// Steady state: every series already known. Arg: distinct series (cache size). The batches are
// decoded beforehand (views into `bytes`).
void BM_IngestWarm(benchmark::State& state) {
  Gateway gateway;
  const std::vector<std::string> bytes = SerializedBatches(static_cast<int>(state.range(0)));
  std::vector<ingest::ReportView> batches(bytes.size());
  v1::ReportResponse response;
  for (size_t i = 0; i < bytes.size(); ++i) {
    batches[i].Decode(bytes[i]);
    gateway.processor.Process(batches[i], &response, "StreamReport");
  }
  size_t next = 0;
  FLEETGATE_PROFILE_BEGIN();
  for (auto _ : state) {
    response.Clear();
    gateway.processor.Process(batches[next], &response, "StreamReport");
    next = (next + 1) % batches.size();
  }
  FLEETGATE_PROFILE_END();
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_IngestWarm)->Arg(1'000)->Arg(10'000)->Arg(100'000);

// As BM_IngestWarm, but each batch is decoded (untimed) right before it is processed, as in the
// gateway. With 100k series BM_IngestWarm cycles through 100 pre-decoded batches, so it also
// measures reading its input from memory: most of its cache misses at 100k are there.
void BM_IngestWarmDecoded(benchmark::State& state) {
  Gateway gateway;
  const std::vector<std::string> batches = SerializedBatches(static_cast<int>(state.range(0)));
  ingest::ReportView request;
  v1::ReportResponse response;
  for (const std::string& batch : batches) {
    request.Decode(batch);
    gateway.processor.Process(request, &response, "StreamReport");
  }
  size_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    request.Decode(batches[next]);
    next = (next + 1) % batches.size();
    response.Clear();
    state.ResumeTiming();
    FLEETGATE_PROFILE_BEGIN();
    gateway.processor.Process(request, &response, "StreamReport");
    FLEETGATE_PROFILE_END();
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_IngestWarmDecoded)->Arg(1'000)->Arg(10'000)->Arg(100'000);

// The gateway's whole per-batch path: ProcessRaw on the serialized batch in a grpc::ByteBuffer
// (decode, Process, encode the response), series warm as in BM_IngestWarm.
void BM_IngestWarmRaw(benchmark::State& state) {
  Gateway gateway;
  std::vector<grpc::ByteBuffer> batches;
  grpc::ByteBuffer response;
  for (const std::string& bytes : SerializedBatches(static_cast<int>(state.range(0)))) {
    grpc::Slice slice(bytes);
    batches.emplace_back(&slice, 1);
    ingest::ProcessRaw(gateway.processor, batches.back(), &response, "StreamReport");
  }
  size_t next = 0;
  FLEETGATE_PROFILE_BEGIN();
  for (auto _ : state) {
    ingest::ProcessRaw(gateway.processor, batches[next], &response, "StreamReport");
    next = (next + 1) % batches.size();
  }
  FLEETGATE_PROFILE_END();
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_IngestWarmRaw)->Arg(1'000)->Arg(100'000);

// First sighting of every series: validation and Family::Add on each event.
void BM_IngestCold(benchmark::State& state) {
  Gateway gateway;
  int offset = 0;
  v1::ReportResponse response;
  for (auto _ : state) {
    state.PauseTiming();
    v1::ReportRequest batch = CounterBatch(1000, 1 << 30, offset);
    offset += 1000;
    response.Clear();
    state.ResumeTiming();
    gateway.processor.Process(batch, &response, "StreamReport");
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_IngestCold)->Iterations(100);

// Reports `series` distinct counter series.
void Fill(Gateway& gateway, int series) {
  v1::ReportResponse response;
  for (int offset = 0; offset < series; offset += 1000) {
    gateway.processor.Process(CounterBatch(1000, series, offset), &response, "StreamReport");
  }
}

// /metrics rendering with `series` reported series.
void BM_Scrape(benchmark::State& state) {
  Gateway gateway;
  Fill(gateway, static_cast<int>(state.range(0)));
  metrics::Exposition exposition;
  exposition.Add(gateway.self_registry);
  exposition.Add(gateway.store.collectable());
  size_t bytes = 0;
  FLEETGATE_PROFILE_BEGIN();
  for (auto _ : state) bytes = exposition.Render().size();
  FLEETGATE_PROFILE_END();
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Scrape)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// Reports `series` counter series as fleetgate-bench does: families of 2000 series.
void FillFamilies(Gateway& gateway, int series) {
  v1::ReportResponse response;
  for (int offset = 0; offset < series; offset += 1000) {
    v1::ReportRequest batch = CounterBatch(1000, 1 << 30, offset);
    for (int i = 0; i < batch.events_size(); ++i) {
      batch.mutable_events(i)->mutable_counter()->set_name(
          "bench_requests_" + std::to_string((offset + i) / 2000) + "_total");
    }
    gateway.processor.Process(batch, &response, "StreamReport");
  }
}

// /metrics of `series` series in families of 2000: whole (arg 2 = 0) or streamed (1), as the
// route serves it (pieces of ExpositionStream::kPieceBytes, each dropped once written).
void BM_ScrapeFamilies(benchmark::State& state) {
  Gateway gateway;
  FillFamilies(gateway, static_cast<int>(state.range(0)));
  metrics::Exposition exposition;
  exposition.Add(gateway.self_registry);
  exposition.Add(gateway.store.collectable());
  size_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    if (state.range(1) == 0) {
      bytes = exposition.Render().size();
      continue;
    }
    metrics::ExpositionStream stream = exposition.Stream();
    std::string piece;
    for (bool more = true; more;) {
      piece.clear();
      more = stream.Next(piece);
      bytes += piece.size();
    }
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ScrapeFamilies)
    ->Args({1'000'000, 0})
    ->Args({1'000'000, 1})
    ->Args({200'000, 0})
    ->Args({200'000, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// prometheus::MetricFamily values for every reported series (what a scrape built before the
// store wrote its text itself; now only a generic Collect() of the store does this).
void BM_ScrapeCollect(benchmark::State& state) {
  Gateway gateway;
  Fill(gateway, static_cast<int>(state.range(0)));
  size_t families = 0;
  for (auto _ : state) families = gateway.store.collectable()->Collect().size();
  state.counters["families"] = static_cast<double>(families);
}
BENCHMARK(BM_ScrapeCollect)->Arg(100'000)->Unit(benchmark::kMillisecond);

// The alert evaluator's read: one small family among `series` others.
void BM_CollectFamily(benchmark::State& state) {
  Gateway gateway;
  Fill(gateway, static_cast<int>(state.range(0)));
  for (int i = 0; i < 10; ++i) {
    gateway.store.Apply(metrics::MetricKind::kGauge, "queue_depth", "billing",
                        "billing-" + std::to_string(i), {}, i);
  }
  size_t samples = 0;
  for (auto _ : state) samples = gateway.store.CollectFamily("queue_depth").at(0).metric.size();
  state.counters["samples"] = static_cast<double>(samples);
}
BENCHMARK(BM_CollectFamily)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fleetgate

BENCHMARK_MAIN();
