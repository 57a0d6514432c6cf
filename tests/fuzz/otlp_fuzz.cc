// OTLP export decoding and mapping: an ExportMetricsServiceRequest decoded from arbitrary bytes and
// applied by the ExportProcessor to a real MetricStore and HealthRegistry (state kept across
// inputs, so cumulative streams and caps are exercised).
#include <google/protobuf/stubs/logging.h>
#include <prometheus/registry.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "metrics/exposition.h"
#include "otlp/export_processor.h"

namespace {

using namespace fleetgate;  // NOLINT(google-build-using-namespace): a fuzz harness

struct World {
  World() {
    metrics::MetricStoreOptions store_options;
    store_options.max_series_total = 2000;
    store = std::make_unique<metrics::MetricStore>(store_options, clock);
    health::RegistryOptions registry_options;
    registry_options.max_instances = 200;
    registry = std::make_unique<health::HealthRegistry>(registry_options, clock);
    otlp::OtlpOptions options;
    options.max_data_points = 1000;
    options.streams.max_streams = 2000;
    processor =
        std::make_unique<otlp::ExportProcessor>(options, *store, *registry, self_metrics, clock);
  }
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(TimePoint{});
  std::shared_ptr<prometheus::Registry> self_registry = std::make_shared<prometheus::Registry>();
  metrics::IngestMetrics self_metrics{*self_registry};
  std::unique_ptr<metrics::MetricStore> store;
  std::unique_ptr<health::HealthRegistry> registry;
  std::unique_ptr<otlp::ExportProcessor> processor;
};

}  // namespace

// Protobuf logs every string field with invalid UTF-8 it parses; quiet for the fuzzer's output.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  otlp::ExportRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  (void)world.processor->Export(request);
  world.clock->Advance(std::chrono::seconds(1));
  if (size % 16 == 0) {
    metrics::Exposition exposition;
    exposition.Add(world.store->collectable());
    (void)exposition.Render();
  }
  return 0;
}
