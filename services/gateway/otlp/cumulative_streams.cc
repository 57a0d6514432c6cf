#include "otlp/cumulative_streams.h"

#include <functional>

#include "otlp/stream_table.h"

namespace fleetgate::otlp {
namespace {

constexpr size_t kShards = 16;

bool WentDown(const std::vector<double>& now, const StreamValues& before, size_t monotonic) {
  if (now.size() != before.size()) return true;  // other buckets: the series started over
  for (size_t i = 0; i < monotonic && i < now.size(); ++i) {
    if (now[i] < before[i]) return true;
  }
  return false;
}

}  // namespace

// A series key with its hash, computed once per point: its top bits pick the shard, the others
// the slot.
struct CumulativeStreams::HashedKey {
  std::string_view text;
  size_t hash;

  explicit HashedKey(std::string_view key) : text(key), hash(std::hash<std::string_view>()(key)) {}
};

struct CumulativeStreams::Shard {
  std::mutex mutex;
  StreamTable streams;
  int64_t next_sweep_ns = 0;
};

CumulativeStreams::CumulativeStreams(StreamOptions options, std::shared_ptr<const Clock> clock)
    : options_(options), clock_(std::move(clock)) {
  for (size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

CumulativeStreams::~CumulativeStreams() = default;

CumulativeStreams::Shard& CumulativeStreams::ShardOf(const HashedKey& key) const {
  static_assert(kShards == 16 && sizeof(size_t) == 8, "the shard is the hash's top 4 bits");
  return *shards_[key.hash >> 60];  // the table's slots use the low bits
}

int64_t CumulativeStreams::NowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_->Now().time_since_epoch())
      .count();
}

bool CumulativeStreams::Reserve() {
  size_t count = count_.load(std::memory_order_relaxed);
  while (count < options_.max_streams) {
    if (count_.compare_exchange_weak(count, count + 1, std::memory_order_relaxed)) return true;
  }
  return false;
}

void CumulativeStreams::Sweep(Shard& shard, int64_t now_ns) {
  const int64_t ttl_ns = std::chrono::nanoseconds(options_.ttl).count();
  const size_t before = shard.streams.size();
  shard.streams.EraseIf([&](const Stream& stream) { return now_ns - stream.seen_ns > ttl_ns; });
  count_.fetch_sub(before - shard.streams.size(), std::memory_order_relaxed);
  shard.next_sweep_ns = now_ns + ttl_ns / 4;
}

bool CumulativeStreams::SweepDue(int64_t now_ns) {
  bool freed = false;
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mutex);
    if (now_ns < shard->next_sweep_ns) continue;
    const size_t before = shard->streams.size();
    Sweep(*shard, now_ns);
    freed = freed || shard->streams.size() < before;
  }
  return freed;
}

Stream* CumulativeStreams::FindOrAdd(Shard& shard, const HashedKey& key, int64_t now_ns,
                                     bool& added) {
  Stream* stream = shard.streams.Find(key.hash, key.text);
  added = stream == nullptr;
  if (!added) return stream;
  if (now_ns >= shard.next_sweep_ns) Sweep(shard, now_ns);
  if (!Reserve()) {
    Sweep(shard, now_ns);  // expired streams of this shard make room at once
    if (!Reserve()) return nullptr;
  }
  return shard.streams.Add(key.hash, key.text);
}

template <typename Update>
StreamVerdict CumulativeStreams::WithStream(std::string_view key, int64_t now_ns, Update update) {
  const HashedKey hashed(key);
  Shard& shard = ShardOf(hashed);
  if (now_ns == kReadClock) now_ns = NowNs();
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      std::lock_guard<std::mutex> lock(shard.mutex);
      bool added = false;
      Stream* stream = FindOrAdd(shard, hashed, now_ns, added);
      if (stream != nullptr) return update(*stream, added, now_ns);
    }
    // Full: the room may be held by expired streams of other shards (each sweeps at most every
    // ttl/4, so a gateway full of live streams does not sweep on every refused point).
    if (!SweepDue(now_ns)) break;
  }
  return StreamVerdict::kFull;
}

StreamVerdict CumulativeStreams::ToDelta(std::string_view key, StreamPoint point,
                                         std::vector<double>& values, size_t monotonic,
                                         int64_t now_ns) {
  return WithStream(key, now_ns, [&](Stream& stream, bool added, int64_t seen_ns) {
    const bool known_start = point.start_ns != 0 && stream.start_ns != 0;
    if (!added) {
      if (known_start && point.start_ns < stream.start_ns) return StreamVerdict::kStale;
      const bool restarted = known_start && point.start_ns > stream.start_ns;
      if (!restarted && point.time_ns <= stream.time_ns) return StreamVerdict::kStale;
      if (!restarted && !WentDown(values, stream.values, monotonic)) {
        // In place (same sizes, WentDown checked): the stream keeps the point's values, the
        // caller gets the increase.
        for (size_t i = 0; i < values.size(); ++i) {
          const double now = values[i];
          values[i] = now - stream.values[i];
          stream.values[i] = now;
        }
        stream.start_ns = point.start_ns;
        stream.time_ns = point.time_ns;
        stream.seen_ns = seen_ns;
        return StreamVerdict::kApply;
      }
    }
    // First point, or a reset: the values count whole.
    stream.values.Assign(values);
    stream.start_ns = point.start_ns;
    stream.time_ns = point.time_ns;
    stream.seen_ns = seen_ns;
    return StreamVerdict::kApply;
  });
}

StreamVerdict CumulativeStreams::Accumulate(std::string_view key, StreamPoint point, double& value,
                                            int64_t now_ns) {
  return WithStream(key, now_ns, [&](Stream& stream, bool added, int64_t seen_ns) {
    if (added) {
      stream.values.AssignOne(0.0);
    } else if (point.time_ns <= stream.time_ns) {
      return StreamVerdict::kStale;
    }
    stream.values[0] += value;
    value = stream.values[0];
    stream.time_ns = point.time_ns;
    stream.seen_ns = seen_ns;
    return StreamVerdict::kApply;
  });
}

void CumulativeStreams::Forget(std::string_view key) {
  const HashedKey hashed(key);
  Shard& shard = ShardOf(hashed);
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.streams.Erase(hashed.hash, hashed.text)) count_.fetch_sub(1, std::memory_order_relaxed);
}

size_t CumulativeStreams::size() const { return count_.load(std::memory_order_relaxed); }

}  // namespace fleetgate::otlp
