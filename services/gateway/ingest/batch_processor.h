#pragma once
// BatchProcessor applies one ReportRequest, read through its ReportView: its metric events to the
// MetricStore in one ApplyBatch (as if event by event), health to the HealthRegistry, and builds
// the ReportResponse with the outcomes in event order. Transport-independent (both RPCs use it).
// Thread-safe: Process may run concurrently on many gRPC threads.

#include <atomic>
#include <chrono>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "fleetgate/v1/reporter.pb.h"
#include "health/health_registry.h"
#include "ingest/report_view.h"
#include "metrics/metric_store.h"
#include "metrics/self_metrics.h"

namespace fleetgate::ingest {

struct IngestOptions {
  // Defaults: the limits.* and health.max_ttl configuration keys.
  size_t max_events_per_batch = config::Defaults().limits.max_events_per_batch;
  size_t max_source_bytes = 256;  // version
  size_t max_service_bytes = config::Defaults().limits.max_service_name_bytes;
  size_t max_instance_bytes = config::Defaults().limits.max_instance_name_bytes;
  // Bytes of a health detail and of a check detail.
  size_t max_detail_bytes = config::Defaults().limits.max_detail_bytes;
  size_t max_checks = config::Defaults().limits.max_checks;
  size_t max_inflight_batches =
      config::Defaults().limits.max_inflight_batches;  // beyond: UNAVAILABLE
  metrics::LabelLimits label_limits;                   // for source labels
  std::chrono::seconds max_ttl =
      std::chrono::duration_cast<std::chrono::seconds>(config::Defaults().health.max_ttl);
};

class BatchProcessor {
 public:
  BatchProcessor(IngestOptions options, metrics::MetricStore& store,
                 health::HealthRegistry& registry, const metrics::IngestMetrics& self_metrics);

  // Fills `response`; an error fails the whole RPC: kInvalidArgument (malformed source),
  // kResourceExhausted (more than max_events_per_batch events), kUnavailable (overload,
  // draining). Rejected events are listed in the response, not errors.
  Status Process(const ReportView& request, v1::ReportResponse* response, std::string_view rpc);
  // The same for a message held in memory (tests, benchmarks, fuzzing): through its ReportView.
  Status Process(const v1::ReportRequest& request, v1::ReportResponse* response,
                 std::string_view rpc);

  // From now on every batch gets UNAVAILABLE (graceful shutdown: clients retry elsewhere).
  void Drain() { draining_.store(true); }
  // A standby replica (high availability) refuses reports with UNAVAILABLE until it leads.
  void SetStandby(bool standby) { standby_.store(standby); }
  size_t InFlight() const { return in_flight_.load(); }

 private:
  Status ProcessAdmitted(const ReportView& request, v1::ReportResponse* response,
                         std::string_view rpc);
  struct PreparedEvent;
  // Every event's merged labels and key (its slot prefetched); the metric events to apply.
  void PrepareAll(const ReportView& request, std::vector<PreparedEvent>& prepared,
                  std::vector<metrics::MetricEvent>& metric_events);
  void Prepare(const ReportView& request, const EventView& event, PreparedEvent& prepared);
  // A health event, or the refusal of an event of no kind.
  Status ApplyOther(const ReportView& request, const EventView& event);
  void Reject(v1::ReportResponse* response, size_t index, const Error& error);
  static Error InstanceLimit(const SourceView& source);

  const IngestOptions options_;
  metrics::MetricStore& store_;
  health::HealthRegistry& registry_;
  const metrics::IngestMetrics& self_metrics_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> standby_{false};
  std::atomic<size_t> in_flight_{0};
};

}  // namespace fleetgate::ingest
