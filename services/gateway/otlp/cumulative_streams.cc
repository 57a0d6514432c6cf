#include "otlp/cumulative_streams.h"

#include <functional>

namespace fleetgate::otlp {
namespace {

constexpr size_t kShards = 16;

// A stream's last values: a sum's one value inline (no pointer to chase on the hot path), a
// histogram's count, buckets and sum on the heap.
class StreamValues {
 public:
  size_t size() const { return size_; }
  double& operator[](size_t i) { return size_ == 1 ? one_ : many_[i]; }
  double operator[](size_t i) const { return size_ == 1 ? one_ : many_[i]; }
  void Assign(const std::vector<double>& values) {
    size_ = values.size();
    if (size_ == 1) {
      one_ = values[0];
      many_.clear();
    } else {
      many_.assign(values.begin(), values.end());
    }
  }
  void AssignOne(double value) {
    size_ = 1;
    one_ = value;
    many_.clear();
  }

 private:
  size_t size_ = 0;
  double one_ = 0;
  std::vector<double> many_;
};

struct Stream {
  std::string key;  // what the shard's map key points into
  uint64_t start_ns = 0;
  uint64_t time_ns = 0;
  int64_t seen_ns = 0;  // by the gateway's clock, for the TTL
  StreamValues values;
};

bool WentDown(const std::vector<double>& now, const StreamValues& before, size_t monotonic) {
  if (now.size() != before.size()) return true;  // other buckets: the series started over
  for (size_t i = 0; i < monotonic && i < now.size(); ++i) {
    if (now[i] < before[i]) return true;
  }
  return false;
}

}  // namespace

// A series key with its hash, computed once per point: it picks the shard and the bucket, and a
// lookup needs no copy of the key.
struct CumulativeStreams::HashedKey {
  // Mutable so that a key stored in the map can be pointed at its node's own copy of the text
  // (same text, same hash: the map's order is unchanged).
  mutable std::string_view text;
  size_t hash;

  explicit HashedKey(std::string_view key) : text(key), hash(std::hash<std::string_view>()(key)) {}
  HashedKey(std::string_view key, size_t known_hash) : text(key), hash(known_hash) {}
  bool operator==(const HashedKey& other) const { return text == other.text; }
};

namespace {

struct HashOf {
  size_t operator()(const CumulativeStreams::HashedKey& key) const { return key.hash; }
};

}  // namespace

struct CumulativeStreams::Shard {
  std::mutex mutex;
  // Keys point into their Stream's own `key`, in the same node (nodes never move).
  std::unordered_map<HashedKey, Stream, HashOf> streams;
  int64_t next_sweep_ns = 0;

  // Finds the stream or makes room for it; null when the shard is full of live streams.
  Stream* FindOrAdd(const HashedKey& key, int64_t now_ns, const StreamOptions& options,
                    size_t capacity, bool& added) {
    auto it = streams.find(key);
    added = it == streams.end();
    if (!added) return &it->second;
    if (streams.size() >= capacity || now_ns >= next_sweep_ns) Sweep(now_ns, options);
    if (streams.size() >= capacity) return nullptr;
    it = streams.emplace(key, Stream()).first;  // for now, the key points at the caller's text
    it->second.key.assign(key.text.data(), key.text.size());
    it->first.text = it->second.key;
    return &it->second;
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

CumulativeStreams::Shard& CumulativeStreams::ShardOf(const HashedKey& key) const {
  return *shards_[key.hash % kShards];
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
  shard.streams.erase(hashed);
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
