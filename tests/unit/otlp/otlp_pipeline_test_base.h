#pragma once
// The OTLP export path over a real metric store and health registry, on a manual clock, for the
// OTLP unit tests: the processor, what it applied (Text) and what it counted (self_metrics_).

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "health/health_registry.h"
#include "metrics/exposition.h"
#include "metrics/metric_store.h"
#include "metrics/self_metrics.h"
#include "otlp/export_processor.h"

namespace fleetgate::otlp {

class OtlpPipelineTest : public ::testing::Test {
 protected:
  explicit OtlpPipelineTest(OtlpOptions options = {})
      : clock_(std::make_shared<ManualClock>(TimePoint(std::chrono::seconds(1'000'000)))),
        self_metrics_(registry_),
        store_(metrics::MetricStoreOptions{}, clock_),
        health_(health::RegistryOptions{}, clock_),
        processor_(std::move(options), store_, health_, self_metrics_, clock_) {}

  // The store's series as /metrics shows them.
  std::string Text() const {
    metrics::Exposition exposition;
    exposition.Add(store_.collectable());
    return exposition.Render();
  }

  std::shared_ptr<ManualClock> clock_;
  prometheus::Registry registry_;
  metrics::IngestMetrics self_metrics_;
  metrics::MetricStore store_;
  health::HealthRegistry health_;
  ExportProcessor processor_;
};

}  // namespace fleetgate::otlp
