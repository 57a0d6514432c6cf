#pragma once
// MetricStore keeps every series reported by clients: counters add, gauges set, observations
// feed histograms. Each distinct series is validated and counted against the limits once, when
// first seen; it lives in one of 64 shards, a SeriesTable from its length-prefixed key to its
// value, and the family bookkeeping (types, limits) changes under one lock taken after a shard
// lock, so a TTL sweep never frees a series another thread is using. Values are read under the
// shard lock too: a scrape holds one shard at a time (about 1/64 of the series) and renders the
// text format straight from the keys, without copying every label into prometheus-cpp types.
// Thread-safe: every member may run concurrently from any threads.

#include <prometheus/collectable.h>
#include <prometheus/gauge.h>
#include <prometheus/metric_family.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "metrics/rejection.h"
#include "metrics/series_key.h"
#include "metrics/validation.h"

namespace fleetgate::metrics {

enum class MetricKind { kCounter, kGauge, kHistogram, kSummary };
std::string_view KindName(MetricKind kind);

struct MetricStoreOptions {
  LabelLimits label_limits;
  // Defaults: the limits.* and metrics.* configuration keys.
  size_t max_series_per_metric =
      config::Defaults().limits.max_series_per_metric;  // per metric name and service
  size_t max_series_total = config::Defaults().limits.max_series_total;
  std::chrono::milliseconds series_ttl = config::Defaults().metrics.series_ttl;
  std::vector<double> default_buckets = config::Defaults().metrics.default_buckets;
  std::map<std::string, std::vector<double>, std::less<>> buckets;  // per metric name
};

// A client-aggregated histogram increment (OTLP): the client's bucket upper bounds (sorted,
// finite, without +Inf) and per bucket how many observations to add (bounds.size() + 1 entries,
// the last for +Inf), with the count and sum to add. The series keeps the client's bounds; new
// bounds for an existing series start its buckets over.
struct HistogramIncrement {
  const std::vector<double>* bounds = nullptr;
  const std::vector<uint64_t>* bucket_counts = nullptr;
  uint64_t count = 0;
  double sum = 0;
};

// A summary as its client computed it; it replaces the series' previous one.
struct SummarySnapshot {
  uint64_t count = 0;
  double sum = 0;
  std::vector<std::pair<double, double>> quantiles;  // (quantile in [0, 1], value), sorted
};

// One metric event of a batch for MetricStore::ApplyBatch, its key built by BuildSeriesKey.
struct MetricEvent {
  MetricKind kind = MetricKind::kCounter;
  const SeriesKey* key = nullptr;
  std::string_view name;
  const std::vector<LabelView>* labels = nullptr;
  double value = 0;
};

class MetricStore {
 public:
  MetricStore(MetricStoreOptions options, std::shared_ptr<const Clock> clock,
              prometheus::Gauge* active_series = nullptr);
  ~MetricStore();
  MetricStore(const MetricStore&) = delete;
  MetricStore& operator=(const MetricStore&) = delete;

  // Applies one value to the series {name, service, instance, labels}. Names and labels are
  // validated when a series is first seen; later events for it take the cached path.
  Status Apply(MetricKind kind, std::string_view name, std::string_view service,
               std::string_view instance, const std::vector<LabelView>& labels, double value);
  // The same, with the series key already built by BuildSeriesKey(key, name, service, instance,
  // labels), so a batch can build each key once and prefetch with it before applying.
  Status Apply(MetricKind kind, const SeriesKey& key, std::string_view name,
               std::string_view service, const std::vector<LabelView>& labels, double value);

  // Applies the metric events of one batch from `service`, each outcome in `outcomes[i]`: what
  // Apply would give for each event in order, with one clock reading for the batch and one lock
  // per shard touched rather than per event. An event whose series is new, and every later event
  // of its shard, goes through Apply after the others, in batch order: series are created in the
  // order of their events, so limits and rejections are those of the event-by-event path, and
  // each series still sees its events in order.
  void ApplyBatch(const std::vector<MetricEvent>& events, std::string_view service,
                  std::vector<Status>& outcomes);

  // Client-aggregated values (OTLP), with the key built by BuildSeriesKey; validated like Apply.
  Status ApplyHistogram(const SeriesKey& key, std::string_view name, std::string_view service,
                        const std::vector<LabelView>& labels, const HistogramIncrement& increment);
  Status ApplySummary(const SeriesKey& key, std::string_view name, std::string_view service,
                      const std::vector<LabelView>& labels, const SummarySnapshot& snapshot);

  // A hint for a batch that applies `key` soon: prefetches its table slot. It changes nothing,
  // takes no lock and may prefetch a stale address (harmless).
  void PrefetchSlot(const SeriesKey& key) const;

  // Removes series not updated for series_ttl; returns how many.
  size_t RemoveExpired();

  // The current samples of the family `name` (its metric name as registered, without the
  // _bucket/_count/_sum of a histogram); empty when no series of that name exists. For the
  // alert evaluator: one family at a time, without serializing the whole store. It holds the
  // family lock (series creation and expiry wait) while it copies that family's series.
  std::vector<prometheus::MetricFamily> CollectFamily(std::string_view name) const;
  // Every family, sorted by name; reads one shard lock at a time.
  std::vector<prometheus::MetricFamily> CollectAll() const;
  // Every family in the text format 0.0.4, sorted by name (what /metrics serves).
  void AppendText(std::string& out) const;

  // Where a streamed AppendText has got to.
  struct TextPosition {
    std::string after;                       // the families named up to this one are written
    bool started = false;                    // `after` is set
    std::vector<std::string> group;          // the families of the part being written, sorted
    size_t shard = 0;                        // a group of one family: the next shard to write
    MetricKind kind = MetricKind::kCounter;  // ... and its type, once its header is written
    bool header_written = false;
  };
  // Appends the next part of AppendText's text: a run of families with together at most about
  // kPartSeries series, or one shard's series of a larger family (1/64 of it); false when no
  // family is left (nothing appended). If the store does not change meanwhile, the parts add up
  // to AppendText's text exactly. Takes one shard lock at a time and holds none between calls.
  bool AppendTextPart(TextPosition& position, std::string& out) const;
  static constexpr size_t kPartSeries = 32768;

  size_t ActiveSeries() const { return total_series_.load(std::memory_order_relaxed); }
  // Series the gateway exports besides the reported ones (the health registry's
  // fleetgate_instance_* series) share max_series_total: while held, they leave that much less
  // room for new reported series. TryReserveSeries is false (nothing taken) when `n` more would
  // go over the limit; ReserveSeries takes them regardless. Thread-safe.
  bool TryReserveSeries(size_t n);
  void ReserveSeries(size_t n);
  void ReleaseSeries(size_t n);
  size_t ReservedSeries() const { return reserved_series_.load(std::memory_order_relaxed); }
  // The reported series as a collectable for the Exposition (a TextCollectable: it writes its
  // text itself). It may outlive the store, and then collects nothing.
  std::shared_ptr<prometheus::Collectable> collectable() const;

 private:
  class Collectable;
  struct FamilyEntry;
  struct HistogramCells;
  struct SummaryCells;
  struct Series;
  struct Shard;
  static constexpr size_t kShards = 64;

  Shard& ShardOf(const SeriesKey& key) const;
  // The high bits pick the shard; the table's slot uses the low bits.
  static size_t ShardIndex(const SeriesKey& key) { return (key.hash >> 40) % kShards; }
  [[gnu::cold]] Status CheckValue(MetricKind kind, std::string_view name, double value) const;
  Status CreateSeries(Shard& shard, const SeriesKey& key, MetricKind kind, std::string_view name,
                      std::string_view service, const std::vector<LabelView>& labels, double value,
                      int64_t now_ns);
  // Finds or creates the series (shard lock held); null with `outcome` set when refused.
  Series* FindOrCreate(Shard& shard, const SeriesKey& key, MetricKind kind, std::string_view name,
                       std::string_view service, const std::vector<LabelView>& labels,
                       int64_t now_ns, Status& outcome);
  // ApplyHistogram's and ApplySummary's frame (defined and used in client_aggregates.cc).
  template <typename Write>
  Status ApplyAggregate(const SeriesKey& key, MetricKind kind, std::string_view name,
                        std::string_view service, const std::vector<LabelView>& labels,
                        Write write);
  Status CheckNewSeries(MetricKind kind, std::string_view name,
                        const std::vector<LabelView>& labels) const;
  FamilyEntry* FindOrCreateFamily(MetricKind kind, std::string_view name, Status& outcome);
  Status CheckNameCollision(MetricKind kind, std::string_view name) const;
  static void Update(Series& series, double value);
  // Applies a valid value to an existing series (its shard lock held), or why it is refused.
  static Status UpdateFound(Series& series, MetricKind kind, std::string_view name, double value,
                            int64_t now_ns);
  Status ApplyAt(MetricKind kind, const SeriesKey& key, std::string_view name,
                 std::string_view service, const std::vector<LabelView>& labels, double value,
                 int64_t now_ns);
  // Phase one of ApplyBatch: the events of one shard whose series exist; the others join
  // `deferred`.
  void ApplyShardEvents(Shard& shard, const std::vector<MetricEvent>& events, const uint32_t* begin,
                        const uint32_t* end, int64_t now_ns, std::vector<Status>& outcomes,
                        std::vector<uint32_t>& deferred);
  static bool ValidValue(MetricKind kind, double value) {
    return std::isfinite(value) && !(kind == MetricKind::kCounter && value < 0);
  }
  static void AppendCompound(std::string& body, const std::string& name, std::string_view labels,
                             const Series& series);
  // One series' samples; `labels` and `rendered` are scratch space.
  static void AppendSeries(std::string& body, std::string_view key, const Series& series,
                           std::vector<LabelView>& labels, std::string& rendered);
  // A counter's or gauge's line, from its family name, key and value.
  static void AppendScalarSeries(std::string& body, std::string_view name, std::string_view key,
                                 double value, std::vector<LabelView>& labels,
                                 std::string& rendered);
  class ScalarCopies;
  bool NextTextGroup(TextPosition& position) const;
  void AppendGroupText(const std::vector<std::string>& group, std::string& out) const;
  void AppendShardText(TextPosition& position, std::string& out) const;
  static void ToClientMetric(std::string_view key, const Series& series,
                             std::vector<LabelView>& labels, prometheus::ClientMetric& metric);
  void RemoveSeries(std::string_view key, Series& series);
  void RemoveFamily(FamilyEntry& family);
  int64_t NowNs() const;

  const MetricStoreOptions options_;
  const std::shared_ptr<const Clock> clock_;
  prometheus::Gauge* const active_series_;
  std::array<std::unique_ptr<Shard>, kShards> shards_;
  // Guards families_ and every FamilyEntry; taken after a shard lock, never before.
  mutable std::mutex families_mutex_;
  std::map<std::string, std::unique_ptr<FamilyEntry>, std::less<>> families_;
  std::atomic<size_t> total_series_{0};
  std::atomic<size_t> reserved_series_{0};  // changed under families_mutex_
  std::shared_ptr<Collectable> collectable_;
};

}  // namespace fleetgate::metrics
