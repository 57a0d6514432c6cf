#pragma once
// MetricStore's private parts, shared by metric_store.cc (ingest, limits, expiry) and
// metric_store_collect.cc (exposition). Not part of the library's interface.

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "metrics/exposition.h"
#include "metrics/metric_store.h"
#include "metrics/series_table.h"

namespace fleetgate::metrics {

inline constexpr char kReportedHelp[] = "Reported to fleetgate by client services.";

struct MetricStore::FamilyEntry {
  MetricKind kind;
  std::string name;
  std::vector<double> buckets;            // histograms: upper bounds, without +Inf
  std::vector<std::string> bucket_labels;  // histograms: `le="0.005"`, ..., `le="+Inf"`
  size_t series = 0;
  std::unordered_map<std::string, size_t> series_by_service;
};

// A histogram's counts per bucket (not cumulative; the last one is +Inf), count and sum.
struct MetricStore::HistogramCells {
  explicit HistogramCells(const std::vector<double>& bounds)
      : bounds(bounds), counts(bounds.size() + 1, 0) {}

  void Observe(double value) {
    auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
    ++counts[static_cast<size_t>(bucket)];
    ++count;
    sum += value;
  }

  const std::vector<double>& bounds;  // the family's, which outlives its series
  std::vector<uint64_t> counts;
  uint64_t count = 0;
  double sum = 0;
};

// Guarded by its shard's mutex, values included (scrapes read them under it).
struct MetricStore::Series {
  FamilyEntry* family = nullptr;
  int64_t last_update_ns = 0;
  double value = 0;                           // counters and gauges
  std::unique_ptr<HistogramCells> histogram;  // histograms
  MetricKind kind = MetricKind::kCounter;
};

struct MetricStore::Shard {
  std::mutex mutex;
  SeriesTable<Series> series;
};

// What the Exposition holds: the store's series for as long as the store lives.
class MetricStore::Collectable : public TextCollectable {
 public:
  explicit Collectable(const MetricStore* store) : store_(store) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return store_ != nullptr ? store_->CollectAll() : std::vector<prometheus::MetricFamily>{};
  }

  void AppendText(std::string& out) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (store_ != nullptr) store_->AppendText(out);
  }

  void Detach() {
    std::lock_guard<std::mutex> lock(mutex_);
    store_ = nullptr;
  }

 private:
  mutable std::mutex mutex_;  // one scrape at a time: bounds the memory scrapes take
  const MetricStore* store_;
};

}  // namespace fleetgate::metrics
