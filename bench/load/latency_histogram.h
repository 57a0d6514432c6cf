#pragma once
// A fixed log-bucket latency histogram (about 2% relative resolution from 1 µs to ~100 s), in the
// spirit of HdrHistogram. Record() is lock-free and safe from any thread; Percentile() reads a
// consistent-enough snapshot while recording continues.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace fleetgate::bench {

class LatencyHistogram {
 public:
  void Record(std::chrono::nanoseconds latency);
  // The upper bound of the bucket holding the `quantile` (0..1) sample, in milliseconds; 0 if
  // empty.
  double PercentileMs(double quantile) const;
  uint64_t Count() const;

 private:
  static constexpr int kSubBuckets = 32;             // per power of two
  static constexpr int kBuckets = 28 * kSubBuckets;  // 2^28 µs is ~268 s
  std::array<std::atomic<uint64_t>, kBuckets> counts_{};
};

}  // namespace fleetgate::bench
