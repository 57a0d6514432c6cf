#include "metrics/metric_store.h"

#include <cmath>
#include <cstring>
#include <functional>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>

namespace fleetgate::metrics {
namespace {

constexpr char kHelp[] = "Reported to fleetgate by client services.";
constexpr std::array<std::string_view, 3> kHistogramSuffixes{"_bucket", "_count", "_sum"};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Length-prefixed fields, so no label value can forge another series' key.
void AppendField(std::string& key, std::string_view field) {
  auto size = static_cast<uint32_t>(field.size());
  key.append(reinterpret_cast<const char*>(&size), sizeof size);
  key.append(field);
}

void BuildKey(std::string& key, std::string_view name, std::string_view service,
              std::string_view instance, const std::vector<LabelView>& labels) {
  key.clear();
  AppendField(key, name);
  AppendField(key, service);
  AppendField(key, instance);
  for (const auto& [label, value] : labels) {
    AppendField(key, label);
    AppendField(key, value);
  }
}

void UpdateMetric(MetricKind kind, void* metric, double value) {
  switch (kind) {
    case MetricKind::kCounter:
      static_cast<prometheus::Counter*>(metric)->Increment(value);
      return;
    case MetricKind::kGauge:
      static_cast<prometheus::Gauge*>(metric)->Set(value);
      return;
    case MetricKind::kHistogram:
      static_cast<prometheus::Histogram*>(metric)->Observe(value);
      return;
  }
}

}  // namespace

struct MetricStore::FamilyEntry {
  MetricKind kind;
  std::string name;
  void* family;  // prometheus::Family<Counter|Gauge|Histogram>
  std::vector<double> buckets;
  size_t series = 0;
  std::unordered_map<std::string, size_t> series_by_service;
};

struct MetricStore::Series {
  MetricKind kind;
  void* metric;  // prometheus::Counter|Gauge|Histogram, owned by the family
  FamilyEntry* family;
  std::string service;
  int64_t last_update_ns;
};

struct MetricStore::Shard {
  std::mutex mutex;
  std::unordered_map<std::string, Series> series;
};

std::string_view KindName(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCounter:
      return "counter";
    case MetricKind::kGauge:
      return "gauge";
    case MetricKind::kHistogram:
      return "histogram";
  }
  return "unknown";
}

MetricStore::MetricStore(MetricStoreOptions options, std::shared_ptr<const Clock> clock,
                         prometheus::Gauge* active_series)
    : options_(std::move(options)),
      clock_(std::move(clock)),
      active_series_(active_series),
      registry_(std::make_shared<prometheus::Registry>()) {
  for (auto& shard : shards_) shard = std::make_unique<Shard>();
}

MetricStore::~MetricStore() = default;

int64_t MetricStore::NowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_->Now().time_since_epoch())
      .count();
}

Outcome MetricStore::Apply(MetricKind kind, std::string_view name, std::string_view service,
                           std::string_view instance, const std::vector<LabelView>& labels,
                           double value) {
  if (Outcome bad = CheckValue(kind, name, value); !bad.ok()) return bad;
  thread_local std::string key;
  BuildKey(key, name, service, instance, labels);
  Shard& shard = *shards_[std::hash<std::string>{}(key) % kShards];
  const int64_t now_ns = NowNs();

  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.series.find(key);
  if (it == shard.series.end()) {
    return CreateSeries(shard, key, kind, name, service, instance, labels, value, now_ns);
  }
  Series& series = it->second;
  if (series.kind != kind) {
    return Outcome::Rejected(reason::kTypeConflict, "metric \"" + std::string(name) + "\" is a " +
                                                        std::string(KindName(series.kind)) +
                                                        ", not a " + std::string(KindName(kind)));
  }
  UpdateMetric(kind, series.metric, value);
  series.last_update_ns = now_ns;
  return Outcome::Accepted();
}

Outcome MetricStore::CheckValue(MetricKind kind, std::string_view name, double value) const {
  if (!std::isfinite(value)) {
    return Outcome::Rejected(reason::kNonFiniteValue, "value of \"" + std::string(name) +
                                                          "\" is not a finite number");
  }
  if (kind == MetricKind::kCounter && value < 0) {
    return Outcome::Rejected(reason::kNegativeDelta,
                             "counter \"" + std::string(name) + "\" got a negative delta");
  }
  return Outcome::Accepted();
}

Outcome MetricStore::CreateSeries(Shard& shard, const std::string& key, MetricKind kind,
                                  std::string_view name, std::string_view service,
                                  std::string_view instance, const std::vector<LabelView>& labels,
                                  double value, int64_t now_ns) {
  if (Outcome bad = CheckNewSeries(kind, name, labels); !bad.ok()) return bad;
  std::lock_guard<std::mutex> lock(families_mutex_);
  if (total_series_.load(std::memory_order_relaxed) >= options_.max_series_total) {
    return Outcome::Rejected(reason::kTotalSeriesLimit,
                             "the gateway holds its limit of " +
                                 std::to_string(options_.max_series_total) + " series");
  }
  Outcome outcome;
  FamilyEntry* family = FindOrCreateFamily(kind, name, outcome);
  if (family == nullptr) return outcome;
  size_t& per_service = family->series_by_service[std::string(service)];
  if (per_service >= options_.max_series_per_metric) {
    return Outcome::Rejected(reason::kSeriesLimit,
                             "metric \"" + std::string(name) + "\" of service \"" +
                                 std::string(service) + "\" has its limit of " +
                                 std::to_string(options_.max_series_per_metric) + " series");
  }
  void* metric = AddMetric(*family, labels, service, instance);
  if (metric == nullptr) {
    if (family->series == 0) RemoveFamily(*family);
    return Outcome::Rejected(reason::kInvalidLabelName, "the series' labels were refused");
  }
  ++per_service;
  ++family->series;
  total_series_.fetch_add(1, std::memory_order_relaxed);
  if (active_series_ != nullptr) active_series_->Increment();
  auto [it, inserted] = shard.series.emplace(
      key, Series{kind, metric, family, std::string(service), now_ns});
  (void)inserted;
  // The new series starts from the event that created it.
  UpdateMetric(kind, metric, value);
  return Outcome::Accepted();
}

Outcome MetricStore::CheckNewSeries(MetricKind kind, std::string_view name,
                                    const std::vector<LabelView>& labels) const {
  if (Outcome bad = CheckMetricName(name); !bad.ok()) return bad;
  if (kind == MetricKind::kCounter && !EndsWith(name, "_total")) {
    return Outcome::Rejected(reason::kInvalidName,
                             "counter name \"" + std::string(name) + "\" must end in _total");
  }
  // service and instance are two of the series' labels.
  if (labels.size() + 2 > options_.label_limits.max_labels_per_series) {
    return Outcome::Rejected(reason::kTooManyLabels,
                             "a series may have at most " +
                                 std::to_string(options_.label_limits.max_labels_per_series) +
                                 " labels, service and instance included");
  }
  for (const auto& [label, value] : labels) {
    if (Outcome bad = CheckLabel(label, value, options_.label_limits); !bad.ok()) return bad;
  }
  return Outcome::Accepted();
}

MetricStore::FamilyEntry* MetricStore::FindOrCreateFamily(MetricKind kind, std::string_view name,
                                                          Outcome& outcome) {
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (it->second->kind == kind) return it->second.get();
    outcome = Outcome::Rejected(reason::kTypeConflict,
                                "metric \"" + std::string(name) + "\" is a " +
                                    std::string(KindName(it->second->kind)) + ", not a " +
                                    std::string(KindName(kind)));
    return nullptr;
  }
  outcome = CheckNameCollision(kind, name);
  if (!outcome.ok()) return nullptr;

  auto entry = std::make_unique<FamilyEntry>();
  entry->kind = kind;
  entry->name = std::string(name);
  switch (kind) {
    case MetricKind::kCounter:
      entry->family = &prometheus::BuildCounter().Name(entry->name).Help(kHelp).Register(*registry_);
      break;
    case MetricKind::kGauge:
      entry->family = &prometheus::BuildGauge().Name(entry->name).Help(kHelp).Register(*registry_);
      break;
    case MetricKind::kHistogram: {
      auto custom = options_.buckets.find(name);
      entry->buckets = custom != options_.buckets.end() ? custom->second : options_.default_buckets;
      entry->family =
          &prometheus::BuildHistogram().Name(entry->name).Help(kHelp).Register(*registry_);
      break;
    }
  }
  return families_.emplace(entry->name, std::move(entry)).first->second.get();
}

// A histogram named H also exposes H_bucket, H_count and H_sum; no other family may take them.
Outcome MetricStore::CheckNameCollision(MetricKind kind, std::string_view name) const {
  for (std::string_view suffix : kHistogramSuffixes) {
    if (kind == MetricKind::kHistogram && families_.count(std::string(name) + std::string(suffix))) {
      return Outcome::Rejected(reason::kTypeConflict,
                               "histogram \"" + std::string(name) + "\" would clash with metric \"" +
                                   std::string(name) + std::string(suffix) + "\"");
    }
    if (EndsWith(name, suffix)) {
      auto base = families_.find(name.substr(0, name.size() - suffix.size()));
      if (base != families_.end() && base->second->kind == MetricKind::kHistogram) {
        return Outcome::Rejected(reason::kTypeConflict,
                                 "metric \"" + std::string(name) +
                                     "\" clashes with the series of histogram \"" +
                                     base->second->name + "\"");
      }
    }
  }
  return Outcome::Accepted();
}

void* MetricStore::AddMetric(FamilyEntry& family, const std::vector<LabelView>& labels,
                             std::string_view service, std::string_view instance) {
  prometheus::Labels map;
  for (const auto& [label, value] : labels) map.emplace(label, value);
  map.emplace("service", service);
  map.emplace("instance", instance);
  // Validation ran before; prometheus-cpp's own checks throw, and must never end the process.
  try {
    switch (family.kind) {
      case MetricKind::kCounter:
        return &static_cast<prometheus::Family<prometheus::Counter>*>(family.family)->Add(map);
      case MetricKind::kGauge:
        return &static_cast<prometheus::Family<prometheus::Gauge>*>(family.family)->Add(map);
      case MetricKind::kHistogram:
        return &static_cast<prometheus::Family<prometheus::Histogram>*>(family.family)
                    ->Add(map, family.buckets);
    }
  } catch (const std::exception&) {
  }
  return nullptr;
}

std::vector<prometheus::MetricFamily> MetricStore::CollectFamily(std::string_view name) {
  // families_mutex_ keeps the family alive (RemoveFamily takes it) while it collects under
  // its own lock.
  std::lock_guard<std::mutex> lock(families_mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return {};
  const FamilyEntry& family = *it->second;
  switch (family.kind) {
    case MetricKind::kCounter:
      return static_cast<prometheus::Family<prometheus::Counter>*>(family.family)->Collect();
    case MetricKind::kGauge:
      return static_cast<prometheus::Family<prometheus::Gauge>*>(family.family)->Collect();
    case MetricKind::kHistogram:
      return static_cast<prometheus::Family<prometheus::Histogram>*>(family.family)->Collect();
  }
  return {};
}

size_t MetricStore::RemoveExpired() {
  const int64_t cutoff = NowNs() - std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       options_.series_ttl)
                                       .count();
  size_t removed = 0;
  for (auto& shard : shards_) {
    std::lock_guard<std::mutex> shard_lock(shard->mutex);
    for (auto it = shard->series.begin(); it != shard->series.end();) {
      if (it->second.last_update_ns >= cutoff) {
        ++it;
        continue;
      }
      {
        std::lock_guard<std::mutex> lock(families_mutex_);
        RemoveSeries(it->second);
      }
      it = shard->series.erase(it);
      ++removed;
    }
  }
  return removed;
}

// Called with the series' shard lock and families_mutex_ held.
void MetricStore::RemoveSeries(Series& series) {
  FamilyEntry& family = *series.family;
  switch (family.kind) {
    case MetricKind::kCounter:
      static_cast<prometheus::Family<prometheus::Counter>*>(family.family)
          ->Remove(static_cast<prometheus::Counter*>(series.metric));
      break;
    case MetricKind::kGauge:
      static_cast<prometheus::Family<prometheus::Gauge>*>(family.family)
          ->Remove(static_cast<prometheus::Gauge*>(series.metric));
      break;
    case MetricKind::kHistogram:
      static_cast<prometheus::Family<prometheus::Histogram>*>(family.family)
          ->Remove(static_cast<prometheus::Histogram*>(series.metric));
      break;
  }
  total_series_.fetch_sub(1, std::memory_order_relaxed);
  if (active_series_ != nullptr) active_series_->Decrement();
  auto per_service = family.series_by_service.find(series.service);
  if (per_service != family.series_by_service.end() && --per_service->second == 0) {
    family.series_by_service.erase(per_service);
  }
  if (--family.series == 0) RemoveFamily(family);
}

// The name is free again (possibly for another type) once its last series is gone.
// Called with families_mutex_ held; `family` is destroyed.
void MetricStore::RemoveFamily(FamilyEntry& family) {
  switch (family.kind) {
    case MetricKind::kCounter:
      registry_->Remove(*static_cast<prometheus::Family<prometheus::Counter>*>(family.family));
      break;
    case MetricKind::kGauge:
      registry_->Remove(*static_cast<prometheus::Family<prometheus::Gauge>*>(family.family));
      break;
    case MetricKind::kHistogram:
      registry_->Remove(*static_cast<prometheus::Family<prometheus::Histogram>*>(family.family));
      break;
  }
  families_.erase(family.name);
}

}  // namespace fleetgate::metrics
