// The OTLP → fleetgate mapping, point by point (see docs/api.md, "OTLP metrics ingest").

#include "otlp/export_batch.h"

#include <algorithm>
#include <cmath>

#include "metrics/rejection.h"
#include "otlp/names.h"

namespace fleetgate::otlp {
namespace {

namespace reason = metrics::reason;
using fleetgate::Status;
using metrics::MetricKind;
using pb::metrics::v1::AggregationTemporality;
using pb::metrics::v1::Metric;
using pb::metrics::v1::NumberDataPoint;

constexpr uint32_t kNoRecordedValue = pb::metrics::v1::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK;

bool ValueOf(const NumberDataPoint& point, double& value) {
  switch (point.value_case()) {
    case NumberDataPoint::kAsDouble:
      value = point.as_double();
      return true;
    case NumberDataPoint::kAsInt:
      value = static_cast<double>(point.as_int());
      return true;
    default:
      return false;
  }
}

std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

}  // namespace

void ExportProcessor::Batch::ApplyResource(const pb::metrics::v1::ResourceMetrics& resource) {
  reporter_ = ReporterOf(resource.resource(), processor_.options_.promote_resource_attributes);
  const size_t limit = processor_.options_.max_source_bytes;
  std::string_view problem_reason;
  std::string problem;
  if (reporter_.instance.empty()) {
    problem_reason = reason::kMissingInstance;
    problem = "the resource has neither service.instance.id nor host.name";
  } else if (reporter_.service.size() > limit || reporter_.instance.size() > limit ||
             reporter_.version.size() > limit) {
    problem_reason = reason::kValueTooLong;
    problem =
        "service.name, service.instance.id (host.name) and service.version may have at most " +
        std::to_string(limit) + " bytes";
  } else if (!processor_.registry_.Admissible(reporter_.service, reporter_.instance)) {
    // As for Report: an instance the registry cannot hold sends nothing.
    problem_reason = reason::kInstanceLimit;
    problem = "instance " + Quoted(reporter_.instance) + " of service " +
              Quoted(reporter_.service) +
              " is new and the registry is full (health.max_instances, "
              "health.max_instances_per_service, or limits.max_series_total)";
  }
  if (!problem.empty()) {
    size_t points = 0;
    for (const auto& scope : resource.scope_metrics()) {
      for (const auto& metric : scope.metrics()) points += PointsOf(metric);
    }
    if (points > 0) Reject(problem_reason, problem, static_cast<int64_t>(points));
    return;
  }
  Heartbeat();
  for (const auto& scope : resource.scope_metrics()) {
    for (const auto& metric : scope.metrics()) ApplyMetric(metric);
  }
}

void ExportProcessor::Batch::Heartbeat() {
  health::HealthRegistry& registry = processor_.registry_;
  const auto ttl = processor_.options_.heartbeat_ttl;
  if (ttl.count() <= 0) {
    registry.Seen(reporter_.service, reporter_.instance, reporter_.version);
    return;
  }
  health::HealthReport report;
  report.status = health::Status::kServing;
  report.detail = "exporting over OTLP";
  report.ttl = std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(ttl));
  registry.Report(reporter_.service, reporter_.instance, reporter_.version, report);
}

void ExportProcessor::Batch::ApplyMetric(const Metric& metric) {
  switch (metric.data_case()) {
    case Metric::kGauge: {
      const std::string name = MetricName(metric.name(), metric.unit(), NameKind::kGauge);
      for (const auto& point : metric.gauge().data_points()) ApplyGauge(name, point);
      return;
    }
    case Metric::kSum: {
      // Named once per metric, not per point.
      const NameKind kind = metric.sum().is_monotonic() ? NameKind::kCounter : NameKind::kGauge;
      const std::string name = MetricName(metric.name(), metric.unit(), kind);
      for (const auto& point : metric.sum().data_points()) ApplySum(metric, name, point);
      return;
    }
    case Metric::kHistogram: {
      const auto temporality = metric.histogram().aggregation_temporality();
      const std::string name = MetricName(metric.name(), metric.unit(), NameKind::kOther);
      for (const auto& point : metric.histogram().data_points()) {
        if (temporality == pb::metrics::v1::AGGREGATION_TEMPORALITY_UNSPECIFIED) {
          Reject(reason::kInvalidTemporality,
                 "histogram " + Quoted(metric.name()) + " has no aggregation temporality");
          continue;
        }
        ApplyHistogram(name, temporality == pb::metrics::v1::AGGREGATION_TEMPORALITY_CUMULATIVE,
                       point);
      }
      return;
    }
    case Metric::kExponentialHistogram:
      if (const size_t points = PointsOf(metric); points > 0) {
        Reject(reason::kUnsupportedExponentialHistogram,
               "exponential histogram " + Quoted(metric.name()) +
                   " is not supported; use the SDK's explicit-bucket histogram aggregation",
               static_cast<int64_t>(points));
      }
      return;
    case Metric::kSummary: {
      const std::string name = MetricName(metric.name(), metric.unit(), NameKind::kOther);
      for (const auto& point : metric.summary().data_points()) ApplySummary(name, point);
      return;
    }
    default:
      return;  // a metric without data has no points to apply or refuse
  }
}

void ExportProcessor::Batch::Prepare(const std::string& name, const Attributes& attributes) {
  name_ = name;
  ToLabels(attributes, reporter_.labels, labels_);
  views_.clear();
  for (const Label& label : labels_) views_.emplace_back(label.first, label.second);
  metrics::BuildSeriesKey(key_, name_, reporter_.service, reporter_.instance, views_);
}

void ExportProcessor::Batch::ApplyGauge(const std::string& name, const NumberDataPoint& point) {
  if (point.flags() & kNoRecordedValue) return;  // a gap, not a value
  double value = 0;
  if (!ValueOf(point, value)) return Reject(reason::kEmptyEvent, "a data point has no value");
  Prepare(name, point.attributes());
  Applied(
      processor_.store_.Apply(MetricKind::kGauge, key_, name_, reporter_.service, views_, value),
      "gauge");
}

void ExportProcessor::Batch::ApplySum(const Metric& metric, const std::string& name,
                                      const NumberDataPoint& point) {
  const auto& sum = metric.sum();
  if (point.flags() & kNoRecordedValue) return;
  double value = 0;
  if (!ValueOf(point, value)) return Reject(reason::kEmptyEvent, "a data point has no value");
  if (sum.aggregation_temporality() == pb::metrics::v1::AGGREGATION_TEMPORALITY_UNSPECIFIED) {
    return Reject(reason::kInvalidTemporality,
                  "sum " + Quoted(metric.name()) + " has no aggregation temporality");
  }
  const bool cumulative =
      sum.aggregation_temporality() == pb::metrics::v1::AGGREGATION_TEMPORALITY_CUMULATIVE;
  Prepare(name, point.attributes());
  if (!std::isfinite(value)) {
    return Reject(reason::kNonFiniteValue, "value of " + Quoted(name_) + " is not a finite number");
  }
  const StreamPoint at{point.start_time_unix_nano(), point.time_unix_nano()};
  if (!sum.is_monotonic() && cumulative) {
    return Applied(
        processor_.store_.Apply(MetricKind::kGauge, key_, name_, reporter_.service, views_, value),
        "gauge");
  }
  StreamVerdict verdict = StreamVerdict::kApply;
  if (!sum.is_monotonic()) {
    verdict = processor_.streams_.Accumulate(key_.bytes, at, value, now_ns_);
  } else if (cumulative) {
    if (value < 0) {
      return Reject(reason::kNegativeDelta, "monotonic sum " + Quoted(name_) + " is negative");
    }
    thread_local std::vector<double> values;
    values.assign(1, value);
    verdict = processor_.streams_.ToDelta(key_.bytes, at, values, 1, now_ns_);
    value = values[0];
  }
  if (verdict == StreamVerdict::kStale) return Applied(Status::Ok(), "counter");
  if (verdict == StreamVerdict::kFull) {
    return Reject(reason::kStreamLimit, "fleetgate tracks its limit of cumulative streams");
  }
  const MetricKind store_kind = sum.is_monotonic() ? MetricKind::kCounter : MetricKind::kGauge;
  Status outcome =
      processor_.store_.Apply(store_kind, key_, name_, reporter_.service, views_, value);
  if (!outcome.ok() && (cumulative || !sum.is_monotonic())) processor_.streams_.Forget(key_.bytes);
  Applied(outcome, sum.is_monotonic() ? "counter" : "gauge");
}

void ExportProcessor::Batch::Applied(const Status& outcome, std::string_view kind) {
  if (!outcome.ok()) return Reject(outcome.error().Reason(), outcome.error().message);
  // Tallied here and added once per export (CountAccepted): finding the counter is a map lookup.
  for (auto& [tallied, count] : accepted_) {
    if (tallied == kind) {
      ++count;
      return;
    }
  }
  accepted_.emplace_back(kind, 1);
}

void ExportProcessor::Batch::CountAccepted() {
  for (const auto& [kind, count] : accepted_) {
    processor_.self_metrics_.accepted(kind).Increment(static_cast<double>(count));
  }
  accepted_.clear();
}

void ExportProcessor::Batch::Reject(std::string_view why, const std::string& message,
                                    int64_t points) {
  processor_.self_metrics_.rejected(why).Increment(static_cast<double>(points));
  if (rejected_ == 0) first_error_ = std::string(why) + ": " + message;
  rejected_ += points;
}

ExportSummary ExportProcessor::Batch::Summary() const {
  ExportSummary summary;
  summary.rejected_data_points = rejected_;
  if (rejected_ > 0) {
    summary.error_message = std::to_string(rejected_) + " data point" +
                            (rejected_ == 1 ? "" : "s") + " rejected; the first: " + first_error_ +
                            " (fleetgate_events_rejected_total counts each reason)";
  }
  return summary;
}

}  // namespace fleetgate::otlp
