// MetricStore's client-aggregated values (OTLP): histogram increments with the client's own bucket
// bounds, and summaries set whole. Same limits and validation as Apply.

#include <cmath>

#include "metrics/metric_store_internal.h"

namespace fleetgate::metrics {
namespace {

Status NonFinite(std::string_view name) {
  return EventError(reason::kNonFiniteValue,
                    "a value of \"" + std::string(name) + "\" is not a finite number");
}

Status CheckIncrement(std::string_view name, const HistogramIncrement& increment) {
  const std::vector<double>& bounds = *increment.bounds;
  if (increment.bucket_counts->size() != bounds.size() + 1) {
    return EventError(reason::kInvalidHistogram,
                      "histogram \"" + std::string(name) + "\" has " +
                          std::to_string(increment.bucket_counts->size()) + " bucket counts for " +
                          std::to_string(bounds.size()) +
                          " bounds (want one more count than bounds)");
  }
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      return EventError(reason::kInvalidHistogram,
                        "histogram \"" + std::string(name) +
                            "\" has bounds that are not finite and strictly increasing");
    }
  }
  if (!std::isfinite(increment.sum)) return NonFinite(name);
  return Status::Ok();
}

Status CheckSnapshot(std::string_view name, const SummarySnapshot& snapshot) {
  if (!std::isfinite(snapshot.sum)) return NonFinite(name);
  for (size_t i = 0; i < snapshot.quantiles.size(); ++i) {
    const auto& [quantile, value] = snapshot.quantiles[i];
    if (!(quantile >= 0 && quantile <= 1) ||
        (i > 0 && quantile <= snapshot.quantiles[i - 1].first)) {
      return EventError(
          reason::kInvalidHistogram,
          "summary \"" + std::string(name) + "\" has quantiles outside [0, 1] or not increasing");
    }
    if (!std::isfinite(value)) return NonFinite(name);
  }
  return Status::Ok();
}

bool SameQuantiles(const std::vector<double>& held, const SummarySnapshot& snapshot) {
  if (held.size() != snapshot.quantiles.size()) return false;
  for (size_t i = 0; i < held.size(); ++i) {
    if (held[i] != snapshot.quantiles[i].first) return false;
  }
  return true;
}

}  // namespace

// The frame both share: find or create the series under its shard lock, let `write` replace or
// add to its cells, and mark it updated. `write` runs with the shard lock held.
template <typename Write>
Status MetricStore::ApplyAggregate(const SeriesKey& key, MetricKind kind, std::string_view name,
                                   std::string_view service, const std::vector<LabelView>& labels,
                                   Write write) {
  Shard& shard = ShardOf(key);
  const int64_t now_ns = NowNs();
  std::lock_guard<std::mutex> lock(shard.mutex);
  Status outcome;
  Series* series = FindOrCreate(shard, key, kind, name, service, labels, now_ns, outcome);
  if (series == nullptr) return outcome;
  write(*series);
  series->last_update_ns = now_ns;
  return Status::Ok();
}

Status MetricStore::ApplyHistogram(const SeriesKey& key, std::string_view name,
                                   std::string_view service, const std::vector<LabelView>& labels,
                                   const HistogramIncrement& increment) {
  if (Status bad = CheckIncrement(name, increment); !bad.ok()) return bad;
  return ApplyAggregate(key, MetricKind::kHistogram, name, service, labels, [&](Series& series) {
    if (series.histogram->bounds != *increment.bounds) {
      // CollectFamily reads the cells under families_mutex_ alone.
      std::lock_guard<std::mutex> families_lock(families_mutex_);
      series.histogram = std::make_unique<HistogramCells>(*increment.bounds);
    }
    HistogramCells& cells = *series.histogram;
    for (size_t i = 0; i < cells.buckets(); ++i) cells.counts[i].add((*increment.bucket_counts)[i]);
    cells.count.add(increment.count);
    cells.sum.add(increment.sum);
  });
}

Status MetricStore::ApplySummary(const SeriesKey& key, std::string_view name,
                                 std::string_view service, const std::vector<LabelView>& labels,
                                 const SummarySnapshot& snapshot) {
  if (Status bad = CheckSnapshot(name, snapshot); !bad.ok()) return bad;
  return ApplyAggregate(key, MetricKind::kSummary, name, service, labels, [&](Series& series) {
    if (!series.summary || !SameQuantiles(series.summary->quantiles, snapshot)) {
      std::vector<double> quantiles;
      for (const auto& entry : snapshot.quantiles) quantiles.push_back(entry.first);
      std::lock_guard<std::mutex> families_lock(families_mutex_);
      series.summary = std::make_unique<SummaryCells>(std::move(quantiles));
    }
    SummaryCells& cells = *series.summary;
    for (size_t i = 0; i < snapshot.quantiles.size(); ++i) {
      cells.values[i].set(snapshot.quantiles[i].second);
    }
    cells.count.set(snapshot.count);
    cells.sum.set(snapshot.sum);
  });
}

}  // namespace fleetgate::metrics
