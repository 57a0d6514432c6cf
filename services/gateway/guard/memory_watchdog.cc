#include "guard/memory_watchdog.h"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <fstream>

namespace fleetgate::guard {
namespace {

constexpr size_t kDefaultThreshold = size_t{1} << 30;

// 75% of the cgroup (v2) memory limit when there is one: shedding starts before the OOM killer.
size_t DefaultThreshold() {
  std::ifstream file("/sys/fs/cgroup/memory.max");
  unsigned long long limit = 0;
  if (file >> limit && limit > 0) return static_cast<size_t>(limit / 4 * 3);
  return kDefaultThreshold;
}

}  // namespace

size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

MemoryWatchdog::MemoryWatchdog(const GuardOptions& options, ConnectionTable& table,
                               GuardMetrics& metrics, std::shared_ptr<const Clock> clock)
    : options_(options),
      threshold_(options.memory_shed_bytes > 0 ? options.memory_shed_bytes : DefaultThreshold()),
      table_(table),
      metrics_(metrics),
      worker_("memory-watchdog", std::move(clock), options.watchdog_interval,
              [this](TimePoint) { Tick(); }) {}

void MemoryWatchdog::Tick() {
  const auto now = std::chrono::steady_clock::now();
  table_.Refresh(now);
  table_.ShedSilent(options_.preface_timeout, now);
  const size_t resident = ResidentBytes();
  if (resident > threshold_) {
    if (!shedding_.exchange(true)) {
      spdlog::warn(
          "resident memory {} MiB above guard.memory_shed_bytes ({} MiB): not ready, "
          "shedding the busiest gRPC connections",
          resident >> 20, threshold_ >> 20);
      metrics_.SetMemoryShedding(true);
    }
    // One connection a tick while just above; far above (several floods at once, the watchdog
    // late), every connection that could be holding the memory goes at once.
    if (resident > threshold_ / 2 * 3) {
      table_.ShedAllOverFloor("memory");
    } else {
      table_.ShedHeaviest("memory");
    }
    malloc_trim(0);
  } else if (shedding_.load() && resident < threshold_ / 10 * 9) {
    shedding_ = false;
    metrics_.SetMemoryShedding(false);
    spdlog::info("resident memory back to {} MiB: ready again", resident >> 20);
  } else if (shedding_.load()) {
    // Below the threshold but not yet 10% under it: what the allocator keeps from the flood
    // must go back to the system, or readiness never returns once the connections are gone.
    malloc_trim(0);
  }
}

}  // namespace fleetgate::guard
