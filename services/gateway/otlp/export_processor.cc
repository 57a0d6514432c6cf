#include "otlp/export_processor.h"

#include <algorithm>

#include "core/in_flight.h"
#include "otlp/export_batch.h"

namespace fleetgate::otlp {
namespace {

size_t ResourcePoints(const pb::metrics::v1::ResourceMetrics& resource) {
  size_t points = 0;
  for (const auto& scope : resource.scope_metrics()) {
    for (const auto& metric : scope.metrics()) points += PointsOf(metric);
  }
  return points;
}

size_t TotalPoints(const ExportRequest& request) {
  size_t points = 0;
  for (const auto& resource : request.resource_metrics()) points += ResourcePoints(resource);
  return points;
}

}  // namespace

std::vector<auth::ServiceEvents> ServicesOf(const ExportRequest& request) {
  std::vector<auth::ServiceEvents> services;
  for (const auto& resource : request.resource_metrics()) {
    std::string service = ServiceOf(resource.resource());
    const size_t points = ResourcePoints(resource);
    auto same = std::find_if(services.begin(), services.end(),
                             [&service](const auto& entry) { return entry.service == service; });
    if (same != services.end()) {
      same->events += points;
    } else {
      services.push_back({std::move(service), points});
    }
  }
  return services;
}

size_t PointsOf(const pb::metrics::v1::Metric& metric) {
  using pb::metrics::v1::Metric;
  switch (metric.data_case()) {
    case Metric::kGauge:
      return static_cast<size_t>(metric.gauge().data_points_size());
    case Metric::kSum:
      return static_cast<size_t>(metric.sum().data_points_size());
    case Metric::kHistogram:
      return static_cast<size_t>(metric.histogram().data_points_size());
    case Metric::kExponentialHistogram:
      return static_cast<size_t>(metric.exponential_histogram().data_points_size());
    case Metric::kSummary:
      return static_cast<size_t>(metric.summary().data_points_size());
    default:
      return 0;
  }
}

ExportProcessor::ExportProcessor(OtlpOptions options, metrics::MetricStore& store,
                                 health::HealthRegistry& registry,
                                 const metrics::IngestMetrics& self_metrics,
                                 std::shared_ptr<const Clock> clock)
    : options_(std::move(options)),
      store_(store),
      registry_(registry),
      self_metrics_(self_metrics),
      streams_(options_.streams, std::move(clock)) {}

Result<ExportSummary> ExportProcessor::Export(const ExportRequest& request,
                                              const Admission& admit) {
  fleetgate::InFlight in_flight(in_flight_);
  if (draining_.load()) {
    return MakeError(ErrorCode::kUnavailable, "fleetgate is shutting down; retry another instance");
  }
  if (in_flight.count() > options_.max_inflight) {
    return MakeError(ErrorCode::kUnavailable, "fleetgate is overloaded; retry with backoff");
  }
  const size_t points = TotalPoints(request);
  if (points > options_.max_data_points) {
    // Refused whole, and not as "retry later": the same export would be refused again.
    self_metrics_.rejected(metrics::reason::kTooManyEvents).Increment(static_cast<double>(points));
    return MakeError(ErrorCode::kInvalidArgument,
                     "the export has " + std::to_string(points) + " data points; at most " +
                         std::to_string(options_.max_data_points) +
                         " per export (set the exporter's batch size lower)",
                     "resource_metrics", metrics::reason::kTooManyEvents);
  }
  if (admit) {
    Status admitted = admit(ServicesOf(request));
    if (!admitted.ok()) return admitted.error();
  }
  const auto start = std::chrono::steady_clock::now();
  self_metrics_.batches("Export").Increment();
  Batch batch(*this);
  for (const auto& resource : request.resource_metrics()) batch.ApplyResource(resource);
  batch.CountAccepted();
  self_metrics_.ingest_duration().Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return batch.Summary();
}

}  // namespace fleetgate::otlp
