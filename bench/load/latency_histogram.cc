#include "latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace fleetgate::bench {

namespace {
constexpr double kSub = 32.0;
}

void LatencyHistogram::Record(std::chrono::nanoseconds latency) {
  double micros = std::max(1.0, latency.count() / 1000.0);
  int index = static_cast<int>(std::log2(micros) * kSub);
  index = std::clamp(index, 0, kBuckets - 1);
  counts_[index].fetch_add(1, std::memory_order_relaxed);
}

uint64_t LatencyHistogram::Count() const {
  uint64_t total = 0;
  for (const auto& count : counts_) total += count.load(std::memory_order_relaxed);
  return total;
}

double LatencyHistogram::PercentileMs(double quantile) const {
  uint64_t total = Count();
  if (total == 0) return 0;
  auto rank = static_cast<uint64_t>(std::ceil(quantile * static_cast<double>(total)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i].load(std::memory_order_relaxed);
    if (seen >= rank) return std::exp2((i + 1) / kSub) / 1000.0;
  }
  return std::exp2(kBuckets / kSub) / 1000.0;
}

}  // namespace fleetgate::bench
