// The OTLP → fleetgate mapping of histogram and summary points (see docs/api.md).

#include <algorithm>
#include <cmath>
#include <numeric>

#include "metrics/rejection.h"
#include "otlp/export_batch.h"

namespace fleetgate::otlp {
namespace {

namespace reason = metrics::reason;

std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

}  // namespace

void ExportProcessor::Batch::ApplyHistogram(const std::string& name, bool cumulative,
                                            const pb::metrics::v1::HistogramDataPoint& point) {
  if (point.flags() & pb::metrics::v1::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK) return;
  thread_local std::vector<double> bounds;
  thread_local std::vector<double> values;  // count, bucket counts, sum
  bounds.assign(point.explicit_bounds().begin(), point.explicit_bounds().end());
  values.clear();
  values.push_back(static_cast<double>(point.count()));
  if (point.bucket_counts_size() == 0 && bounds.empty()) {
    values.push_back(static_cast<double>(point.count()));  // one bucket: +Inf
  } else {
    for (uint64_t count : point.bucket_counts()) values.push_back(static_cast<double>(count));
  }
  const double sum = point.has_sum() ? point.sum() : 0;
  values.push_back(sum);
  Prepare(name, point.attributes());
  const size_t buckets = values.size() - 2;
  if (buckets > processor_.options().max_buckets) {
    return Reject(reason::kTooManyBuckets, "histogram " + Quoted(name_) + " has " +
                                               std::to_string(buckets) + " buckets; at most " +
                                               std::to_string(processor_.options().max_buckets) +
                                               " (limits.max_histogram_buckets)");
  }
  if (buckets != bounds.size() + 1) {
    return Reject(reason::kInvalidHistogram, "histogram " + Quoted(name_) + " has " +
                                                 std::to_string(buckets) + " bucket counts for " +
                                                 std::to_string(bounds.size()) + " bounds");
  }
  if (std::accumulate(values.begin() + 1, values.end() - 1, 0.0) != values[0]) {
    return Reject(reason::kInvalidHistogram,
                  "histogram " + Quoted(name_) + ": the bucket counts do not add up to its count");
  }
  if (!std::isfinite(sum)) {
    return Reject(reason::kNonFiniteValue, "sum of " + Quoted(name_) + " is not a finite number");
  }
  if (cumulative) {
    const StreamPoint at{point.start_time_unix_nano(), point.time_unix_nano()};
    switch (processor_.streams_.ToDelta(key_.bytes, at, values, values.size() - 1, now_ns_)) {
      case StreamVerdict::kStale:
        return Applied(Status::Ok(), "histogram");
      case StreamVerdict::kFull:
        return Reject(reason::kStreamLimit, "fleetgate tracks its limit of cumulative streams");
      case StreamVerdict::kApply:
        break;
    }
  }
  thread_local std::vector<uint64_t> counts;
  counts.clear();
  for (size_t i = 1; i + 1 < values.size(); ++i) counts.push_back(static_cast<uint64_t>(values[i]));
  metrics::HistogramIncrement increment;
  increment.bounds = &bounds;
  increment.bucket_counts = &counts;
  increment.count = static_cast<uint64_t>(values[0]);
  increment.sum = values.back();
  Status outcome =
      processor_.store_.ApplyHistogram(key_, name_, reporter_.service, views_, increment);
  if (!outcome.ok() && cumulative) processor_.streams_.Forget(key_.bytes);
  Applied(outcome, "histogram");
}

void ExportProcessor::Batch::ApplySummary(const std::string& name,
                                          const pb::metrics::v1::SummaryDataPoint& point) {
  if (point.flags() & pb::metrics::v1::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK) return;
  const auto quantiles = static_cast<size_t>(point.quantile_values_size());
  if (quantiles > processor_.options().max_buckets) {
    Prepare(name, point.attributes());
    return Reject(reason::kTooManyBuckets, "summary " + Quoted(name_) + " has " +
                                               std::to_string(quantiles) + " quantiles; at most " +
                                               std::to_string(processor_.options().max_buckets) +
                                               " (limits.max_histogram_buckets)");
  }
  metrics::SummarySnapshot snapshot;
  snapshot.count = point.count();
  snapshot.sum = point.sum();
  for (const auto& quantile : point.quantile_values()) {
    snapshot.quantiles.emplace_back(quantile.quantile(), quantile.value());
  }
  std::sort(snapshot.quantiles.begin(), snapshot.quantiles.end());
  Prepare(name, point.attributes());
  Applied(processor_.store_.ApplySummary(key_, name_, reporter_.service, views_, snapshot),
          "summary");
}

}  // namespace fleetgate::otlp
