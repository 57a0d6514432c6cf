#pragma once
// ExportProcessor applies one OTLP ExportMetricsServiceRequest to the MetricStore, with the
// mapping of docs/api.md ("OTLP metrics ingest"): resource → service and instance, names and
// units per OpenTelemetry's Prometheus compatibility rules, cumulative sums and histograms →
// increments per stream, gauges, histograms with the client's bounds, summaries. Each export is
// also the instance's heartbeat in the HealthRegistry. Transport-independent (gRPC and HTTP use
// it). Thread-safe: Export may run concurrently on many threads.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/service_quotas.h"
#include "core/error.h"
#include "health/health_registry.h"
#include "metrics/metric_store.h"
#include "metrics/self_metrics.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otlp/cumulative_streams.h"

namespace fleetgate::otlp {

struct OtlpOptions {
  std::vector<std::string> promote_resource_attributes;
  // An export keeps its instance SERVING this long; 0: exports are no heartbeat.
  std::chrono::milliseconds heartbeat_ttl = std::chrono::minutes(3);
  size_t max_data_points = 10000;              // per export (limits.max_events_per_batch)
  size_t max_buckets = 128;                    // per histogram point, or quantiles per summary
  size_t max_source_bytes = 256;               // service, instance, version
  size_t max_inflight = 1024;                  // exports applied at once; beyond: UNAVAILABLE
  size_t max_decoded_bytes = 4 * 1024 * 1024;  // an HTTP body after gzip (grpc.max_message_bytes)
  StreamOptions streams;
};

// What a client is told in partial_success.
struct ExportSummary {
  int64_t rejected_data_points = 0;
  std::string error_message;  // empty when nothing was rejected
};

namespace pb = opentelemetry::proto;
using ExportRequest = pb::collector::metrics::v1::ExportMetricsServiceRequest;

// Each service an export reports as (ServiceOf its resources, several resources of one service
// merged) with its data points, in the order they first appear.
std::vector<auth::ServiceEvents> ServicesOf(const ExportRequest& request);

// Asked once an export passed the processor's own limits, before anything of it is applied (the
// transports' ReportGate::Admit): an Error refuses the export whole and is returned by Export.
using Admission = std::function<Status(const std::vector<auth::ServiceEvents>&)>;

class ExportProcessor {
 public:
  ExportProcessor(OtlpOptions options, metrics::MetricStore& store,
                  health::HealthRegistry& registry, const metrics::IngestMetrics& self_metrics,
                  std::shared_ptr<const Clock> clock);

  // Applies what it can and says what it refused; an Error refuses the whole export:
  // kInvalidArgument (more than max_data_points points), kUnavailable (overload, draining) or
  // the Error of `admit`.
  Result<ExportSummary> Export(const ExportRequest& request, const Admission& admit = {});

  // From now on every export gets kUnavailable (graceful shutdown).
  void Drain() { draining_.store(true); }
  const OtlpOptions& options() const { return options_; }

 private:
  class Batch;
  const OtlpOptions options_;
  metrics::MetricStore& store_;
  health::HealthRegistry& registry_;
  const metrics::IngestMetrics& self_metrics_;
  CumulativeStreams streams_;
  std::atomic<bool> draining_{false};
  std::atomic<size_t> in_flight_{0};
};

}  // namespace fleetgate::otlp
