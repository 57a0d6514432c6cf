#pragma once
// CumulativeStreams turns OTLP cumulative points into the increments fleetgate's counters and
// histograms add, one stream (a series) at a time: the first point of a stream counts whole; a
// new start_time_unix_nano, or a value that went down, is a reset and counts whole again; a point
// no newer than the last one seen (out of order, or sent twice) adds nothing. So a counter never
// goes down and never counts a point twice. It also keeps the running total of delta
// non-monotonic sums (they are gauges). State is bounded: exactly max_streams streams over all
// shards (a global count, reserved before a stream is inserted), and a stream not updated for
// `ttl` is forgotten. Thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace fleetgate::otlp {

struct Stream;

struct StreamOptions {
  size_t max_streams = 100000;
  std::chrono::milliseconds ttl = std::chrono::minutes(15);
};

// One point of a stream, as its client sent it.
struct StreamPoint {
  uint64_t start_ns = 0;  // 0: unknown (only a drop in value is then a reset)
  uint64_t time_ns = 0;
};

enum class StreamVerdict {
  kApply,  // apply the (rewritten) values
  kStale,  // out of order or a duplicate: nothing to apply
  kFull,   // no room for a new stream
};

class CumulativeStreams {
 public:
  CumulativeStreams(StreamOptions options, std::shared_ptr<const Clock> clock);
  ~CumulativeStreams();

  // `now_ns` (the gateway's clock, for the TTL) is read from the clock when it is kReadClock; an
  // export passes the time it started for all its points (one clock read per export).
  static constexpr int64_t kReadClock = -1;

  // `values` are the point's cumulative values; the first `monotonic` of them only grow between
  // resets (a histogram's count and bucket counts; not its sum). On kApply `values` hold the
  // increase since the stream's previous point.
  StreamVerdict ToDelta(std::string_view key, StreamPoint point, std::vector<double>& values,
                        size_t monotonic, int64_t now_ns = kReadClock);
  // Adds a delta point to the stream's running total; on kApply `value` holds the total.
  StreamVerdict Accumulate(std::string_view key, StreamPoint point, double& value,
                           int64_t now_ns = kReadClock);
  // Drops a stream (its point was refused downstream, so its next one counts whole).
  void Forget(std::string_view key);
  size_t size() const;
  // The clock's time in nanoseconds since its epoch.
  int64_t NowNs() const;

 private:
  struct HashedKey;
  struct Shard;
  Shard& ShardOf(const HashedKey& key) const;
  // Runs `update(stream, added, now_ns)` on the key's stream under its shard's lock; kFull when
  // there is no room for a new stream, even once the shards due for a sweep were swept.
  template <typename Update>
  StreamVerdict WithStream(std::string_view key, int64_t now_ns, Update update);
  // The shard's lock is held. Null when the global limit leaves no room.
  Stream* FindOrAdd(Shard& shard, const HashedKey& key, int64_t now_ns, bool& added);
  void Sweep(Shard& shard, int64_t now_ns);  // the shard's lock is held
  bool SweepDue(int64_t now_ns);             // takes each shard's lock; true if any was freed
  bool Reserve();                            // one more stream, if under max_streams

  const StreamOptions options_;
  const std::shared_ptr<const Clock> clock_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<size_t> count_{0};  // streams in all shards (and reservations being inserted)
};

}  // namespace fleetgate::otlp
