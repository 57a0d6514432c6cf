#include "metrics/metric_store.h"

#include <algorithm>
#include <cmath>

#include "metrics/metric_store_internal.h"
#include "metrics/text_writer.h"

namespace fleetgate::metrics {
namespace {

constexpr std::array<std::string_view, 3> kHistogramSuffixes{"_bucket", "_count", "_sum"};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view KindName(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCounter:
      return "counter";
    case MetricKind::kGauge:
      return "gauge";
    case MetricKind::kHistogram:
      return "histogram";
    case MetricKind::kSummary:
      return "summary";
  }
  return "unknown";
}

MetricStore::MetricStore(MetricStoreOptions options, std::shared_ptr<const Clock> clock,
                         prometheus::Gauge* active_series)
    : options_(std::move(options)),
      clock_(std::move(clock)),
      active_series_(active_series),
      collectable_(std::make_shared<Collectable>(this)) {
  for (auto& shard : shards_) shard = std::make_unique<Shard>();
}

MetricStore::~MetricStore() { collectable_->Detach(); }

std::shared_ptr<prometheus::Collectable> MetricStore::collectable() const { return collectable_; }

// Called with the series' shard lock held.
void MetricStore::Update(Series& series, double value) {
  switch (series.kind) {
    case MetricKind::kCounter:
      series.value.add(value);
      return;
    case MetricKind::kGauge:
      series.value.set(value);
      return;
    case MetricKind::kHistogram:
      series.histogram->Observe(value);
      return;
    case MetricKind::kSummary:
      return;  // summaries are set whole, by ApplySummary
  }
}

int64_t MetricStore::NowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_->Now().time_since_epoch())
      .count();
}

MetricStore::Shard& MetricStore::ShardOf(const SeriesKey& key) const {
  return *shards_[ShardIndex(key)];
}

Status MetricStore::Apply(MetricKind kind, std::string_view name, std::string_view service,
                          std::string_view instance, const std::vector<LabelView>& labels,
                          double value) {
  thread_local SeriesKey key;
  BuildSeriesKey(key, name, service, instance, labels);
  return Apply(kind, key, name, service, labels, value);
}

void MetricStore::PrefetchSlot(const SeriesKey& key) const {
  ShardOf(key).series.PrefetchSlot(key);
}

Status MetricStore::Apply(MetricKind kind, const SeriesKey& key, std::string_view name,
                          std::string_view service, const std::vector<LabelView>& labels,
                          double value) {
  return ApplyAt(kind, key, name, service, labels, value, NowNs());
}

Status MetricStore::ApplyAt(MetricKind kind, const SeriesKey& key, std::string_view name,
                            std::string_view service, const std::vector<LabelView>& labels,
                            double value, int64_t now_ns) {
  // The accepting path tests the value inline; only a refusal builds an Error.
  if (!ValidValue(kind, value)) return CheckValue(kind, name, value);
  Shard& shard = ShardOf(key);
  std::lock_guard<std::mutex> lock(shard.mutex);
  Series* found = shard.series.Find(key);
  if (found == nullptr) return CreateSeries(shard, key, kind, name, service, labels, value, now_ns);
  return UpdateFound(*found, kind, name, value, now_ns);
}

Status MetricStore::UpdateFound(Series& series, MetricKind kind, std::string_view name,
                                double value, int64_t now_ns) {
  if (series.kind != kind) {
    return EventError(reason::kTypeConflict, "metric \"" + std::string(name) + "\" is a " +
                                                 std::string(KindName(series.kind)) + ", not a " +
                                                 std::string(KindName(kind)));
  }
  if (kind == MetricKind::kCounter && !std::isfinite(series.value.get() + value)) {
    return EventError(reason::kNonFiniteValue,
                      "counter \"" + std::string(name) + "\" would overflow to +Inf");
  }
  Update(series, value);
  series.last_update_ns = now_ns;
  return Status::Ok();
}

Status MetricStore::CheckValue(MetricKind kind, std::string_view name, double value) const {
  if (!std::isfinite(value)) {
    return EventError(reason::kNonFiniteValue,
                      "value of \"" + std::string(name) + "\" is not a finite number");
  }
  if (kind == MetricKind::kCounter && value < 0) {
    return EventError(reason::kNegativeDelta,
                      "counter \"" + std::string(name) + "\" got a negative delta");
  }
  return Status::Ok();
}

Status MetricStore::CreateSeries(Shard& shard, const SeriesKey& key, MetricKind kind,
                                 std::string_view name, std::string_view service,
                                 const std::vector<LabelView>& labels, double value,
                                 int64_t now_ns) {
  Status outcome;
  Series* series = FindOrCreate(shard, key, kind, name, service, labels, now_ns, outcome);
  // The new series starts from the event that created it.
  if (series != nullptr) Update(*series, value);
  return outcome;
}

MetricStore::Series* MetricStore::FindOrCreate(Shard& shard, const SeriesKey& key, MetricKind kind,
                                               std::string_view name, std::string_view service,
                                               const std::vector<LabelView>& labels, int64_t now_ns,
                                               Status& outcome) {
  if (Series* found = shard.series.Find(key); found != nullptr) {
    if (found->kind == kind) return found;
    outcome = EventError(reason::kTypeConflict, "metric \"" + std::string(name) + "\" is a " +
                                                    std::string(KindName(found->kind)) +
                                                    ", not a " + std::string(KindName(kind)));
    return nullptr;
  }
  if (outcome = CheckNewSeries(kind, name, labels); !outcome.ok()) return nullptr;
  std::lock_guard<std::mutex> lock(families_mutex_);
  if (total_series_.load(std::memory_order_relaxed) +
          reserved_series_.load(std::memory_order_relaxed) >=
      options_.max_series_total) {
    outcome =
        EventError(reason::kTotalSeriesLimit,
                   "the gateway holds its limit of " + std::to_string(options_.max_series_total) +
                       " series (limits.max_series_total, instance series included)");
    return nullptr;
  }
  FamilyEntry* family = FindOrCreateFamily(kind, name, outcome);
  if (family == nullptr) return nullptr;
  size_t& per_service = family->series_by_service[std::string(service)];
  if (per_service >= options_.max_series_per_metric) {
    outcome = EventError(reason::kSeriesLimit,
                         "metric \"" + std::string(name) + "\" of service \"" +
                             std::string(service) + "\" has its limit of " +
                             std::to_string(options_.max_series_per_metric) + " series");
    return nullptr;
  }
  ++per_service;
  ++family->series;
  total_series_.fetch_add(1, std::memory_order_relaxed);
  if (active_series_ != nullptr) active_series_->Increment();
  Series& series = shard.series.Insert(key);
  series.family = family;
  series.kind = kind;
  series.member_index = static_cast<uint32_t>(family->members.size());
  family->members.push_back(&series);
  series.last_update_ns = now_ns;
  if (kind == MetricKind::kHistogram) {
    series.histogram = std::make_unique<HistogramCells>(family->buckets, family->bucket_labels);
  }
  return &series;
}

Status MetricStore::CheckNewSeries(MetricKind kind, std::string_view name,
                                   const std::vector<LabelView>& labels) const {
  if (Status bad = CheckMetricName(name, options_.label_limits.max_metric_name_bytes); !bad.ok()) {
    return bad;
  }
  if (kind == MetricKind::kCounter && !EndsWith(name, "_total")) {
    return EventError(reason::kInvalidName,
                      "counter name \"" + std::string(name) + "\" must end in _total");
  }
  // service and instance are two of the series' labels.
  if (labels.size() + 2 > options_.label_limits.max_labels_per_series) {
    return EventError(reason::kTooManyLabels,
                      "a series may have at most " +
                          std::to_string(options_.label_limits.max_labels_per_series) +
                          " labels, service and instance included");
  }
  for (const auto& [label, value] : labels) {
    if (Status bad = CheckLabel(label, value, options_.label_limits); !bad.ok()) return bad;
  }
  return Status::Ok();
}

MetricStore::FamilyEntry* MetricStore::FindOrCreateFamily(MetricKind kind, std::string_view name,
                                                          Status& outcome) {
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (it->second->kind == kind) return it->second.get();
    outcome = EventError(reason::kTypeConflict, "metric \"" + std::string(name) + "\" is a " +
                                                    std::string(KindName(it->second->kind)) +
                                                    ", not a " + std::string(KindName(kind)));
    return nullptr;
  }
  outcome = CheckNameCollision(kind, name);
  if (!outcome.ok()) return nullptr;

  auto entry = std::make_unique<FamilyEntry>();
  entry->kind = kind;
  entry->name = std::string(name);
  if (kind == MetricKind::kHistogram) {
    auto custom = options_.buckets.find(name);
    entry->buckets = custom != options_.buckets.end() ? custom->second : options_.default_buckets;
    std::sort(entry->buckets.begin(), entry->buckets.end());
    entry->buckets.erase(std::unique(entry->buckets.begin(), entry->buckets.end()),
                         entry->buckets.end());
    while (!entry->buckets.empty() && std::isinf(entry->buckets.back())) entry->buckets.pop_back();
    entry->bucket_labels = BoundLabels("le", entry->buckets, /*with_inf=*/true);
  }
  return families_.emplace(entry->name, std::move(entry)).first->second.get();
}

// A histogram named H also exposes H_bucket, H_count and H_sum (a summary H_count and H_sum); no
// other family may take them.
Status MetricStore::CheckNameCollision(MetricKind kind, std::string_view name) const {
  const bool compound = kind == MetricKind::kHistogram || kind == MetricKind::kSummary;
  for (std::string_view suffix : kHistogramSuffixes) {
    if (compound && families_.count(std::string(name) + std::string(suffix))) {
      return EventError(reason::kTypeConflict, "histogram \"" + std::string(name) +
                                                   "\" would clash with metric \"" +
                                                   std::string(name) + std::string(suffix) + "\"");
    }
    if (EndsWith(name, suffix)) {
      auto base = families_.find(name.substr(0, name.size() - suffix.size()));
      if (base != families_.end() && (base->second->kind == MetricKind::kHistogram ||
                                      base->second->kind == MetricKind::kSummary)) {
        return EventError(reason::kTypeConflict, "metric \"" + std::string(name) +
                                                     "\" clashes with the series of histogram \"" +
                                                     base->second->name + "\"");
      }
    }
  }
  return Status::Ok();
}

size_t MetricStore::RemoveExpired() {
  const int64_t cutoff =
      NowNs() - std::chrono::duration_cast<std::chrono::nanoseconds>(options_.series_ttl).count();
  size_t removed = 0;
  for (auto& shard : shards_) {
    std::lock_guard<std::mutex> shard_lock(shard->mutex);
    removed += shard->series.EraseIf([&](std::string_view key, Series& series) {
      if (series.last_update_ns >= cutoff) return false;
      std::lock_guard<std::mutex> lock(families_mutex_);
      RemoveSeries(key, series);
      return true;
    });
  }
  return removed;
}

bool MetricStore::TryReserveSeries(size_t n) {
  std::lock_guard<std::mutex> lock(families_mutex_);
  if (total_series_.load(std::memory_order_relaxed) +
          reserved_series_.load(std::memory_order_relaxed) + n >
      options_.max_series_total) {
    return false;
  }
  reserved_series_.fetch_add(n, std::memory_order_relaxed);
  return true;
}

void MetricStore::ReserveSeries(size_t n) {
  std::lock_guard<std::mutex> lock(families_mutex_);
  reserved_series_.fetch_add(n, std::memory_order_relaxed);
}

void MetricStore::ReleaseSeries(size_t n) {
  std::lock_guard<std::mutex> lock(families_mutex_);
  reserved_series_.fetch_sub(std::min(n, reserved_series_.load(std::memory_order_relaxed)),
                             std::memory_order_relaxed);
}

// Called with the series' shard lock and families_mutex_ held.
void MetricStore::RemoveSeries(std::string_view key, Series& series) {
  FamilyEntry& family = *series.family;
  Series* last = family.members.back();
  family.members[series.member_index] = last;
  last->member_index = series.member_index;
  family.members.pop_back();
  total_series_.fetch_sub(1, std::memory_order_relaxed);
  if (active_series_ != nullptr) active_series_->Decrement();
  auto per_service = family.series_by_service.find(std::string(SeriesService(key)));
  if (per_service != family.series_by_service.end() && --per_service->second == 0) {
    family.series_by_service.erase(per_service);
  }
  if (--family.series == 0) RemoveFamily(family);
}

// The name is free again (possibly for another type) once its last series is gone.
// Called with families_mutex_ held; `family` is destroyed.
void MetricStore::RemoveFamily(FamilyEntry& family) { families_.erase(family.name); }

}  // namespace fleetgate::metrics
