#pragma once
// What the ingest fuzz targets (batch, otlp) share: the gateway's ingest wiring (IngestPipeline)
// under small limits, so the caps are reached too, kept across inputs as in the gateway.

#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <memory>

#include "metrics/exposition.h"
#include "support/ingest_pipeline.h"

namespace fleetgate::fuzz {

inline metrics::MetricStoreOptions SmallStore() {
  metrics::MetricStoreOptions options;
  options.max_series_total = 2000;
  return options;
}

inline health::RegistryOptions SmallRegistry() {
  health::RegistryOptions options;
  options.max_instances = 200;
  options.max_instances_per_service = 50;
  return options;
}

inline ingest::IngestOptions SmallBatches() {
  ingest::IngestOptions options;
  options.max_events_per_batch = 1000;
  return options;
}

struct Pipeline {
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(TimePoint{});
  testing::IngestPipeline ingest{clock, SmallStore(), SmallBatches(), SmallRegistry()};

  // One second passes between inputs (TTLs expire, instances are swept); an input whose size is
  // a multiple of 16 also renders the exposition.
  void AfterInput(size_t size) {
    clock->Advance(std::chrono::seconds(1));
    ingest.registry.Sweep();
    if (size % 16 == 0) {
      metrics::Exposition exposition;
      exposition.Add(ingest.store.collectable());
      (void)exposition.Render();
    }
  }
};

// Protobuf logs every string field with invalid UTF-8 it parses; quiet for the fuzzer's output.
inline void QuietProtobuf() { google::protobuf::SetLogHandler(nullptr); }

}  // namespace fleetgate::fuzz
