#pragma once
// MemoryWatchdog: samples the process's resident memory every guard.watchdog_interval and keeps
// the ConnectionTable current (closed connections forgotten, silent ones shed). Above
// guard.memory_shed_bytes it reports not-ready and sheds the connection receiving the most bytes
// per second each tick — a flood goes first — then returns freed heap to the kernel. Thread-safe.

#include <atomic>
#include <memory>

#include "core/periodic_worker.h"
#include "guard/connection_table.h"
#include "guard/guard_metrics.h"
#include "guard/guard_options.h"

namespace fleetgate::guard {

class MemoryWatchdog {
 public:
  MemoryWatchdog(const GuardOptions& options, ConnectionTable& table, GuardMetrics& metrics,
                 std::shared_ptr<const Clock> clock);
  void Start() { worker_.Start(); }
  void Stop() { worker_.Stop(); }
  bool shedding() const { return shedding_.load(); }
  size_t threshold_bytes() const { return threshold_; }

 private:
  void Tick();

  const GuardOptions options_;
  const size_t threshold_;
  ConnectionTable& table_;
  GuardMetrics& metrics_;
  std::atomic<bool> shedding_{false};
  PeriodicWorker worker_;
};

// Resident memory of this process in bytes (0 when /proc cannot be read).
size_t ResidentBytes();

}  // namespace fleetgate::guard
