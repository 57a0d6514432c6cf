#pragma once
// IngestPipeline: fleetgate's ingest path wired in-process exactly as the gateway wires it
// (self-metrics, MetricStore, HealthRegistry, BatchProcessor), for tests, benchmarks and the
// libFuzzer targets that need the real path without the binary. One wiring for all of them, so
// they cannot drift apart.
// Thread-safety is that of its parts.

#include <prometheus/registry.h>

#include <memory>

#include "core/clock.h"
#include "health/health_registry.h"
#include "ingest/batch_processor.h"
#include "ingest/series_budget.h"
#include "metrics/metric_store.h"
#include "metrics/self_metrics.h"

namespace fleetgate::testing {

struct IngestPipeline {
  explicit IngestPipeline(std::shared_ptr<const Clock> clock,
                          metrics::MetricStoreOptions store_options = {},
                          ingest::IngestOptions ingest_options = {},
                          health::RegistryOptions registry_options = {})
      : clock(std::move(clock)),
        self_registry(std::make_shared<prometheus::Registry>()),
        self_metrics(*self_registry),
        store(store_options, this->clock, &self_metrics.series_active()),
        series_budget(store),
        registry(registry_options, this->clock, nullptr, &series_budget),
        processor(ingest_options, store, registry, self_metrics) {}

  std::shared_ptr<const Clock> clock;
  std::shared_ptr<prometheus::Registry> self_registry;
  metrics::IngestMetrics self_metrics;
  metrics::MetricStore store;
  ingest::StoreSeriesBudget series_budget;
  health::HealthRegistry registry;
  ingest::BatchProcessor processor;
};

}  // namespace fleetgate::testing
