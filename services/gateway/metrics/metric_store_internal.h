#pragma once
// MetricStore's private parts, shared by metric_store.cc (ingest, limits, expiry) and
// metric_store_collect.cc (exposition). Not part of the library's interface.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "metrics/exposition.h"
#include "metrics/metric_store.h"
#include "metrics/series_table.h"
#include "metrics/text_writer.h"

namespace fleetgate::metrics {

inline constexpr char kReportedHelp[] = "Reported to fleetgate by client services.";

// `le="0.005"`, ... for each bound (quantile="0.5" for summaries), then `le="+Inf"` if asked.
inline std::vector<std::string> BoundLabels(std::string_view label,
                                            const std::vector<double>& bounds, bool with_inf) {
  std::vector<std::string> out;
  out.reserve(bounds.size() + 1);
  for (double bound : bounds) {
    std::string& text = out.emplace_back(label);
    text += "=\"";
    AppendBound(text, bound);
    text += '"';
  }
  if (with_inf) out.push_back(std::string(label) + "=\"+Inf\"");
  return out;
}

// One family's text while a scrape runs: its samples, appended shard by shard.
struct FamilyText {
  MetricKind kind;
  std::string body;
};

// A counter or gauge: one value, one line.
inline bool IsScalar(MetricKind kind) {
  return kind == MetricKind::kCounter || kind == MetricKind::kGauge;
}

inline prometheus::MetricType TypeOf(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCounter:
      return prometheus::MetricType::Counter;
    case MetricKind::kGauge:
      return prometheus::MetricType::Gauge;
    case MetricKind::kHistogram:
      return prometheus::MetricType::Histogram;
    case MetricKind::kSummary:
      return prometheus::MetricType::Summary;
  }
  return prometheus::MetricType::Untyped;
}

struct MetricStore::FamilyEntry {
  MetricKind kind;
  std::string name;
  std::vector<double> buckets;             // histograms: upper bounds, without +Inf
  std::vector<std::string> bucket_labels;  // histograms: `le="0.005"`, ..., `le="+Inf"`
  size_t series = 0;
  std::unordered_map<std::string, size_t> series_by_service;
  // Every series of the family (Series::member_index is its place), so CollectFamily reads one
  // family without visiting the whole store.
  std::vector<Series*> members;
};

// A value written under its series' shard lock and also read under families_mutex_ alone (by
// CollectFamily): relaxed atomics, which are plain loads and stores on x86.
template <typename T>
class Cell {
 public:
  T get() const { return value_.load(std::memory_order_relaxed); }
  void set(T value) { value_.store(value, std::memory_order_relaxed); }
  void add(T delta) { set(get() + delta); }  // writers are serialized by the shard lock

 private:
  std::atomic<T> value_{};
};

// A histogram's counts per bucket (not cumulative; the last one is +Inf), count and sum. Its bounds
// are the family's, or the client's own (OTLP), which the cells then hold.
struct MetricStore::HistogramCells {
  HistogramCells(const std::vector<double>& family_bounds,
                 const std::vector<std::string>& family_labels)
      : bounds(family_bounds),
        bucket_labels(family_labels),
        counts(new Cell<uint64_t>[bounds.size() + 1]) {}
  explicit HistogramCells(std::vector<double> client_bounds)
      : own_bounds(std::move(client_bounds)),
        own_labels(BoundLabels("le", own_bounds, /*with_inf=*/true)),
        bounds(own_bounds),
        bucket_labels(own_labels),
        counts(new Cell<uint64_t>[bounds.size() + 1]) {}

  void Observe(double value) {
    auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
    counts[static_cast<size_t>(bucket)].add(1);
    count.add(1);
    sum.add(value);
  }
  size_t buckets() const { return bounds.size() + 1; }

  const std::vector<double> own_bounds;           // client bounds only
  const std::vector<std::string> own_labels;      // client bounds only
  const std::vector<double>& bounds;              // the family's (which outlives its series) or own
  const std::vector<std::string>& bucket_labels;  // `le="..."` per bucket, +Inf last
  std::unique_ptr<Cell<uint64_t>[]> counts;
  Cell<uint64_t> count;
  Cell<double> sum;
};

// A client's summary: its quantiles are fixed for the cells (new quantiles replace the cells).
struct MetricStore::SummaryCells {
  explicit SummaryCells(std::vector<double> quantiles_in)
      : quantiles(std::move(quantiles_in)),
        quantile_labels(BoundLabels("quantile", quantiles, /*with_inf=*/false)),
        values(new Cell<double>[quantiles.size()]) {}

  const std::vector<double> quantiles;
  const std::vector<std::string> quantile_labels;
  std::unique_ptr<Cell<double>[]> values;
  Cell<uint64_t> count;
  Cell<double> sum;
};

// Guarded by its shard's mutex; family, kind and member_index also by families_mutex_, and the
// values are Cells.
struct MetricStore::Series {
  FamilyEntry* family = nullptr;
  int64_t last_update_ns = 0;
  Cell<double> value;                         // counters and gauges
  std::unique_ptr<HistogramCells> histogram;  // histograms
  std::unique_ptr<SummaryCells> summary;      // summaries
  MetricKind kind = MetricKind::kCounter;
  uint32_t member_index = 0;
};

struct MetricStore::Shard {
  std::mutex mutex;
  SeriesTable<Series> series;
};

// What the Exposition holds: the store's series for as long as the store lives.
class MetricStore::Collectable : public TextCollectable,
                                 public std::enable_shared_from_this<MetricStore::Collectable> {
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

  std::unique_ptr<TextCursor> OpenCursor() const override;

  // One step of a streamed scrape, under mutex_ so the store cannot go away meanwhile.
  bool AppendPart(TextPosition& position, std::string& out) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return store_ != nullptr && store_->AppendTextPart(position, out);
  }

  void Detach() {
    std::lock_guard<std::mutex> lock(mutex_);
    store_ = nullptr;
  }

 private:
  // One whole rendering or one streamed part at a time: bounds the memory scrapes take.
  mutable std::mutex mutex_;
  const MetricStore* store_;
};

}  // namespace fleetgate::metrics
