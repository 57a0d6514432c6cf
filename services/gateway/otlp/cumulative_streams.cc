#include "otlp/cumulative_streams.h"

#include <functional>

namespace fleetgate::otlp {
namespace {

constexpr size_t kShards = 16;

struct Stream {
  uint64_t start_ns = 0;
  uint64_t time_ns = 0;
  int64_t seen_ns = 0;  // by the gateway's clock, for the TTL
  std::vector<double> values;
};

bool WentDown(const std::vector<double>& now, const std::vector<double>& before, size_t monotonic) {
  if (now.size() != before.size()) return true;  // other buckets: the series started over
  for (size_t i = 0; i < monotonic && i < now.size(); ++i) {
    if (now[i] < before[i]) return true;
  }
  return false;
}

}  // namespace

struct CumulativeStreams::Shard {
  std::mutex mutex;
  std::unordered_map<std::string, Stream> streams;
  int64_t next_sweep_ns = 0;

  // Finds the stream or makes room for it; null when the shard is full of live streams.
  Stream* FindOrAdd(std::string_view key, int64_t now_ns, const StreamOptions& options,
                    size_t capacity, bool& added) {
    // The lookup key is copied into a buffer that keeps its capacity: no allocation per point
    // (std::unordered_map has no lookup by string_view before C++20).
    thread_local std::string lookup;
    lookup.assign(key.data(), key.size());
    auto it = streams.find(lookup);
    added = it == streams.end();
    if (!added) return &it->second;
    if (streams.size() >= capacity || now_ns >= next_sweep_ns) Sweep(now_ns, options);
    if (streams.size() >= capacity) return nullptr;
    return &streams[lookup];
  }

  void Sweep(int64_t now_ns, const StreamOptions& options) {
    const int64_t ttl_ns = std::chrono::nanoseconds(options.ttl).count();
    for (auto it = streams.begin(); it != streams.end();) {
      it = now_ns - it->second.seen_ns > ttl_ns ? streams.erase(it) : std::next(it);
    }
    next_sweep_ns = now_ns + ttl_ns / 4;
  }
};

CumulativeStreams::CumulativeStreams(StreamOptions options, std::shared_ptr<const Clock> clock)
    : options_(options), clock_(std::move(clock)) {
  for (size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

CumulativeStreams::~CumulativeStreams() = default;

CumulativeStreams::Shard& CumulativeStreams::ShardOf(std::string_view key) const {
  return *shards_[std::hash<std::string_view>()(key) % kShards];
}

int64_t CumulativeStreams::NowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_->Now().time_since_epoch())
      .count();
}

StreamVerdict CumulativeStreams::ToDelta(std::string_view key, StreamPoint point,
                                         std::vector<double>& values, size_t monotonic) {
  Shard& shard = ShardOf(key);
  const int64_t now_ns = NowNs();
  std::lock_guard<std::mutex> lock(shard.mutex);
  bool added = false;
  const size_t capacity = (options_.max_streams + kShards - 1) / kShards;
  Stream* stream = shard.FindOrAdd(key, now_ns, options_, capacity, added);
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
  stream->values = values;
  stream->start_ns = point.start_ns;
  stream->time_ns = point.time_ns;
  stream->seen_ns = now_ns;
  return StreamVerdict::kApply;
}

StreamVerdict CumulativeStreams::Accumulate(std::string_view key, StreamPoint point,
                                            double& value) {
  Shard& shard = ShardOf(key);
  const int64_t now_ns = NowNs();
  std::lock_guard<std::mutex> lock(shard.mutex);
  bool added = false;
  const size_t capacity = (options_.max_streams + kShards - 1) / kShards;
  Stream* stream = shard.FindOrAdd(key, now_ns, options_, capacity, added);
  if (stream == nullptr) return StreamVerdict::kFull;
  if (added) {
    stream->values = {0.0};
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
  Shard& shard = ShardOf(key);
  std::lock_guard<std::mutex> lock(shard.mutex);
  shard.streams.erase(std::string(key));
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
