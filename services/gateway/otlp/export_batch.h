#pragma once
// One export being applied: the per-metric-type mapping of ExportProcessor, and the tally of what
// was refused. Private to the otlp library; one Batch lives on one thread for one export.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "otlp/attributes.h"
#include "otlp/export_processor.h"

namespace fleetgate::otlp {

// How many data points a metric carries, whatever its type.
size_t PointsOf(const pb::metrics::v1::Metric& metric);

class ExportProcessor::Batch {
 public:
  explicit Batch(ExportProcessor& processor)
      : processor_(processor), now_ns_(processor.streams_.NowNs()) {}

  void ApplyResource(const pb::metrics::v1::ResourceMetrics& resource);
  ExportSummary Summary() const;
  // Adds the points accepted so far to fleetgate_events_accepted_total (once per export).
  void CountAccepted();

 private:
  // The series key, name and labels of the point being applied.
  void Prepare(const std::string& name, const Attributes& attributes);
  void Heartbeat();
  void ApplyMetric(const pb::metrics::v1::Metric& metric);
  void ApplyGauge(const std::string& name, const pb::metrics::v1::NumberDataPoint& point);
  void ApplySum(const pb::metrics::v1::Metric& metric, const std::string& name,
                const pb::metrics::v1::NumberDataPoint& point);
  void ApplyHistogram(const std::string& name, bool cumulative,
                      const pb::metrics::v1::HistogramDataPoint& point);
  void ApplySummary(const std::string& name, const pb::metrics::v1::SummaryDataPoint& point);
  void Applied(const Status& outcome, std::string_view kind);
  void Reject(std::string_view reason, const std::string& message, int64_t points = 1);

  ExportProcessor& processor_;
  const int64_t now_ns_;  // when the export began, for every point's stream (one clock read)
  Reporter reporter_;
  std::vector<Label> labels_;
  std::vector<metrics::LabelView> views_;
  metrics::SeriesKey key_;
  std::string name_;
  std::vector<std::pair<std::string_view, uint64_t>> accepted_;  // by kind, not yet counted
  int64_t rejected_ = 0;
  std::string first_error_;
};

}  // namespace fleetgate::otlp
