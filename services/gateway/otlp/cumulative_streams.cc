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

  // Finds the stream or makes room for it; null when the shard is full of live streams.
  Stream* FindOrAdd(const HashedKey& key, int64_t now_ns, const StreamOptions& options,
                    size_t capacity, bool& added) {
    Stream* stream = streams.Find(key.hash, key.text);
    added = stream == nullptr;
    if (!added) return stream;
    if (streams.size() >= capacity || now_ns >= next_sweep_ns) Sweep(now_ns, options);
    if (streams.size() >= capacity) return nullptr;
    return streams.Add(key.hash, key.text);
  }

  void Sweep(int64_t now_ns, const StreamOptions& options) {
    const int64_t ttl_ns = std::chrono::nanoseconds(options.ttl).count();
    streams.EraseIf([&](const Stream& stream) { return now_ns - stream.seen_ns > ttl_ns; });
    next_sweep_ns = now_ns + ttl_ns / 4;
  }
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

StreamVerdict CumulativeStreams::ToDelta(std::string_view key, StreamPoint point,
                                         std::vector<double>& values, size_t monotonic,
                                         int64_t now_ns) {
  const HashedKey hashed(key);
  Shard& shard = ShardOf(hashed);
  if (now_ns == kReadClock) now_ns = NowNs();
  std::lock_guard<std::mutex> lock(shard.mutex);
  bool added = false;
  const size_t capacity = (options_.max_streams + kShards - 1) / kShards;
  Stream* stream = shard.FindOrAdd(hashed, now_ns, options_, capacity, added);
  if (stream == nullptr) return StreamVerdict::kFull;
  const bool known_start = point.start_ns != 0 && stream->start_ns != 0;
  if (!added) {
    if (known_start && point.start_ns < stream->start_ns) return StreamVerdict::kStale;
    const bool restarted = known_start && point.start_ns > stream->start_ns;
    if (!restarted && point.time_ns <= stream->time_ns) return StreamVerdict::kStale;
    if (!restarted && !WentDown(values, stream->values, monotonic)) {
      // In place (same sizes, WentDown checked): the stream keeps the point's values, the
      // caller gets the increase.
      for (size_t i = 0; i < values.size(); ++i) {
        const double now = values[i];
        values[i] = now - stream->values[i];
        stream->values[i] = now;
      }
      stream->start_ns = point.start_ns;
      stream->time_ns = point.time_ns;
      stream->seen_ns = now_ns;
      return StreamVerdict::kApply;
    }
  }
  // First point, or a reset: the values count whole.
  stream->values.Assign(values);
  stream->start_ns = point.start_ns;
  stream->time_ns = point.time_ns;
  stream->seen_ns = now_ns;
  return StreamVerdict::kApply;
}

StreamVerdict CumulativeStreams::Accumulate(std::string_view key, StreamPoint point, double& value,
                                            int64_t now_ns) {
  const HashedKey hashed(key);
  Shard& shard = ShardOf(hashed);
  if (now_ns == kReadClock) now_ns = NowNs();
  std::lock_guard<std::mutex> lock(shard.mutex);
  bool added = false;
  const size_t capacity = (options_.max_streams + kShards - 1) / kShards;
  Stream* stream = shard.FindOrAdd(hashed, now_ns, options_, capacity, added);
  if (stream == nullptr) return StreamVerdict::kFull;
  if (added) {
    stream->values.AssignOne(0.0);
  } else if (point.time_ns <= stream->time_ns) {
    return StreamVerdict::kStale;
  }
  stream->values[0] += value;
  value = stream->values[0];
  stream->time_ns = point.time_ns;
  stream->seen_ns = now_ns;
  return StreamVerdict::kApply;
}

void CumulativeStreams::Forget(std::string_view key) {
  const HashedKey hashed(key);
  Shard& shard = ShardOf(hashed);
  std::lock_guard<std::mutex> lock(shard.mutex);
  shard.streams.Erase(hashed.hash, hashed.text);
}

size_t CumulativeStreams::size() const {
  size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mutex);
    total += shard->streams.size();
  }
  return total;
}

}  // namespace fleetgate::otlp
