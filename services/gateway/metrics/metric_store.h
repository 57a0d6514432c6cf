#pragma once
// MetricStore keeps every series reported by clients in a prometheus-cpp registry: counters add,
// gauges set, observations feed histograms. Each distinct series is resolved once (Family::Add is
// slow) and its handle cached; the cache and the families change together under one lock per
// shard, so a TTL sweep never frees a handle another thread is using.
// Thread-safe: Apply and RemoveExpired may run concurrently from any threads.

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <prometheus/gauge.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include "core/clock.h"
#include "metrics/rejection.h"
#include "metrics/validation.h"

namespace fleetgate::metrics {

enum class MetricKind { kCounter, kGauge, kHistogram };
std::string_view KindName(MetricKind kind);

struct MetricStoreOptions {
  LabelLimits label_limits;
  size_t max_series_per_metric = 2000;  // per metric name and service
  size_t max_series_total = 100000;
  std::chrono::milliseconds series_ttl = std::chrono::minutes(15);
  std::vector<double> default_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                         0.5,   1,    2.5,   5,    10};
  std::map<std::string, std::vector<double>, std::less<>> buckets;  // per metric name
};

// A client label; a series' client labels are sorted by name and unique.
using LabelView = std::pair<std::string_view, std::string_view>;

class MetricStore {
 public:
  MetricStore(MetricStoreOptions options, std::shared_ptr<const Clock> clock,
              prometheus::Gauge* active_series = nullptr);
  ~MetricStore();
  MetricStore(const MetricStore&) = delete;
  MetricStore& operator=(const MetricStore&) = delete;

  // Applies one value to the series {name, service, instance, labels}. Names and labels are
  // validated when a series is first seen; later events for it take the cached path.
  Outcome Apply(MetricKind kind, std::string_view name, std::string_view service,
                std::string_view instance, const std::vector<LabelView>& labels, double value);

  // Removes series not updated for series_ttl; returns how many.
  size_t RemoveExpired();

  // The current samples of the family `name` (its metric name as registered, without the
  // _bucket/_count/_sum of a histogram); empty when no series of that name exists. For the
  // alert evaluator: one family at a time, without serializing the whole registry.
  std::vector<prometheus::MetricFamily> CollectFamily(std::string_view name);

  size_t ActiveSeries() const { return total_series_.load(std::memory_order_relaxed); }
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  struct FamilyEntry;
  struct Series;
  struct Shard;
  static constexpr size_t kShards = 16;

  Outcome CheckValue(MetricKind kind, std::string_view name, double value) const;
  Outcome CreateSeries(Shard& shard, const std::string& key, MetricKind kind,
                       std::string_view name, std::string_view service, std::string_view instance,
                       const std::vector<LabelView>& labels, double value, int64_t now_ns);
  Outcome CheckNewSeries(MetricKind kind, std::string_view name,
                         const std::vector<LabelView>& labels) const;
  FamilyEntry* FindOrCreateFamily(MetricKind kind, std::string_view name, Outcome& outcome);
  Outcome CheckNameCollision(MetricKind kind, std::string_view name) const;
  void* AddMetric(FamilyEntry& family, const std::vector<LabelView>& labels,
                  std::string_view service, std::string_view instance);
  void RemoveSeries(Series& series);
  void RemoveFamily(FamilyEntry& family);
  int64_t NowNs() const;

  const MetricStoreOptions options_;
  const std::shared_ptr<const Clock> clock_;
  prometheus::Gauge* const active_series_;
  const std::shared_ptr<prometheus::Registry> registry_;
  std::array<std::unique_ptr<Shard>, kShards> shards_;
  // Guards families_ and every FamilyEntry; taken after a shard lock, never before.
  std::mutex families_mutex_;
  std::map<std::string, std::unique_ptr<FamilyEntry>, std::less<>> families_;
  std::atomic<size_t> total_series_{0};
};

}  // namespace fleetgate::metrics
