// Batch validation: a ReportRequest decoded from arbitrary bytes, run through the BatchProcessor
// against a real MetricStore and HealthRegistry (small limits, so the caps are reached too), and
// the exposition rendered. The store and registry persist across inputs, as in the gateway.
#include <google/protobuf/stubs/logging.h>
#include <prometheus/registry.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "ingest/batch_processor.h"
#include "metrics/exposition.h"

namespace {

using namespace fleetgate;  // NOLINT(google-build-using-namespace): a fuzz harness

struct World {
  World() {
    metrics::MetricStoreOptions store_options;
    store_options.max_series_total = 2000;
    store = std::make_unique<metrics::MetricStore>(store_options, clock);
    health::RegistryOptions registry_options;
    registry_options.max_instances = 200;
    registry_options.max_instances_per_service = 50;
    registry = std::make_unique<health::HealthRegistry>(registry_options, clock);
    ingest::IngestOptions options;
    options.max_events_per_batch = 1000;
    processor = std::make_unique<ingest::BatchProcessor>(options, *store, *registry, self_metrics);
  }
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(TimePoint{});
  std::shared_ptr<prometheus::Registry> self_registry = std::make_shared<prometheus::Registry>();
  metrics::IngestMetrics self_metrics{*self_registry};
  std::unique_ptr<metrics::MetricStore> store;
  std::unique_ptr<health::HealthRegistry> registry;
  std::unique_ptr<ingest::BatchProcessor> processor;
};

}  // namespace

// Protobuf logs every string field with invalid UTF-8 it parses; quiet for the fuzzer's output.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  v1::ReportRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  v1::ReportResponse response;
  (void)world.processor->Process(request, &response, "Report");
  world.clock->Advance(std::chrono::seconds(1));
  world.registry->Sweep();
  if (size % 16 == 0) {
    metrics::Exposition exposition;
    exposition.Add(world.store->collectable());
    (void)exposition.Render();
  }
  return 0;
}
