// MetricStore::ApplyBatch: a batch's metric events grouped by shard, so each shard touched is
// locked once (its events' series prefetched under that lock) instead of twice per event; series
// creation and everything after it in a shard keep the event-by-event path, in batch order.

#include <algorithm>

#include "metrics/metric_store.h"
#include "metrics/metric_store_internal.h"

namespace fleetgate::metrics {
namespace {

// How many events ahead of the one applied (in its shard's run) a series is prefetched: its slot
// was prefetched when its key was built, so the entry's address can be read by now.
constexpr size_t kPrefetchAhead = 2;

}  // namespace

void MetricStore::ApplyBatch(const std::vector<MetricEvent>& events, std::string_view service,
                             std::vector<Status>& outcomes) {
  outcomes.assign(events.size(), Status::Ok());
  if (events.empty()) return;
  const int64_t now_ns = NowNs();
  // The event indices grouped by shard, in batch order within a shard (a counting sort).
  thread_local std::vector<uint32_t> order;
  thread_local std::vector<uint32_t> deferred;
  std::array<uint32_t, kShards + 1> starts{};
  for (const MetricEvent& event : events) ++starts[ShardIndex(*event.key) + 1];
  for (size_t s = 0; s < kShards; ++s) starts[s + 1] += starts[s];
  order.resize(events.size());
  std::array<uint32_t, kShards> next{};
  std::copy(starts.begin(), starts.end() - 1, next.begin());
  for (uint32_t i = 0; i < events.size(); ++i) order[next[ShardIndex(*events[i].key)]++] = i;

  deferred.clear();
  for (size_t s = 0; s < kShards; ++s) {
    if (starts[s] == starts[s + 1]) continue;
    ApplyShardEvents(*shards_[s], events, order.data() + starts[s], order.data() + starts[s + 1],
                     now_ns, outcomes, deferred);
  }
  std::sort(deferred.begin(), deferred.end());
  for (uint32_t i : deferred) {
    const MetricEvent& event = events[i];
    outcomes[i] =
        ApplyAt(event.kind, *event.key, event.name, service, *event.labels, event.value, now_ns);
  }
}

void MetricStore::ApplyShardEvents(Shard& shard, const std::vector<MetricEvent>& events,
                                   const uint32_t* begin, const uint32_t* end, int64_t now_ns,
                                   std::vector<Status>& outcomes, std::vector<uint32_t>& deferred) {
  std::lock_guard<std::mutex> lock(shard.mutex);
  for (const uint32_t* at = begin; at != end; ++at) {
    if (end - at > static_cast<ptrdiff_t>(kPrefetchAhead)) {
      shard.series.PrefetchEntry(*events[at[kPrefetchAhead]].key);
    }
    const MetricEvent& event = events[*at];
    Series* found = nullptr;
    if (ValidValue(event.kind, event.value)) {
      found = shard.series.Find(*event.key);
      if (found == nullptr) {
        // A new series: it and the rest of this shard's events wait for the in-order pass. (The
        // rest, not just the events of absent series: another batch may create this series
        // meanwhile, and its later events here must still follow this one.)
        deferred.insert(deferred.end(), at, end);
        return;
        return;
      }
      outcomes[*at] = UpdateFound(*found, event.kind, event.name, event.value, now_ns);
    } else {
      outcomes[*at] = CheckValue(event.kind, event.name, event.value);
    }
  }
}

}  // namespace fleetgate::metrics
