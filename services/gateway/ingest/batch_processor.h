#pragma once
// BatchProcessor applies one ReportRequest event by event: metrics to the MetricStore, health to
// the HealthRegistry, and builds the ReportResponse. Transport-independent (both RPCs use it).
// Thread-safe: Process may run concurrently on many gRPC threads.

#include <grpcpp/support/status.h>

#include <atomic>
#include <chrono>
#include <string_view>
#include <vector>

#include "fleetgate/v1/reporter.pb.h"
#include "health/health_registry.h"
#include "metrics/metric_store.h"
#include "metrics/self_metrics.h"

namespace fleetgate::ingest {

struct IngestOptions {
  size_t max_events_per_batch = 10000;
  size_t max_source_bytes = 256;   // service, instance, version
  size_t max_detail_bytes = 4096;  // health detail and check detail
  size_t max_checks = 32;
  size_t max_inflight_batches = 1024;  // beyond: UNAVAILABLE, retryable
  metrics::LabelLimits label_limits;   // for source labels
  std::chrono::seconds max_ttl = std::chrono::hours(24);
};

class BatchProcessor {
 public:
  BatchProcessor(IngestOptions options, metrics::MetricStore& store,
                 health::HealthRegistry& registry, const metrics::IngestMetrics& self_metrics);

  // Fills `response`; a non-OK status fails the whole RPC: INVALID_ARGUMENT (malformed source),
  // RESOURCE_EXHAUSTED (more than max_events_per_batch events), UNAVAILABLE (overload, draining).
  grpc::Status Process(const v1::ReportRequest& request, v1::ReportResponse* response,
                       std::string_view rpc);

  // From now on every batch gets UNAVAILABLE (graceful shutdown: clients retry elsewhere).
  void Drain() { draining_.store(true); }
  // A standby replica (high availability) refuses reports with UNAVAILABLE until it leads.
  void SetStandby(bool standby) { standby_.store(standby); }
  size_t InFlight() const { return in_flight_.load(); }

 private:
  grpc::Status ProcessAdmitted(const v1::ReportRequest& request, v1::ReportResponse* response,
                               std::string_view rpc);
  struct PreparedEvent;
  void Prepare(const v1::Event& event, const v1::Source& source,
               const std::vector<metrics::LabelView>& source_labels, PreparedEvent& prepared);
  metrics::Outcome ApplyEvent(const v1::Event& event, const v1::Source& source,
                              const PreparedEvent& prepared);
  metrics::Outcome ApplyHealth(const v1::HealthEvent& health, const v1::Source& source);
  void Reject(v1::ReportResponse* response, int index, const metrics::Outcome& outcome);

  const IngestOptions options_;
  metrics::MetricStore& store_;
  health::HealthRegistry& registry_;
  const metrics::IngestMetrics& self_metrics_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> standby_{false};
  std::atomic<size_t> in_flight_{0};
};

}  // namespace fleetgate::ingest
