#pragma once
// Pacer: fleetgate-bench --rate. Instead of sending the next batch as soon as an answer comes back
// (closed loop), the connections send when the Pacer offers them a batch: one thread offers a
// batch every `batch / events_per_second` seconds, to the connections in turn, so the rate is
// spread evenly over them. The bucket is 100 ms deep: a thread that wakes late (a loaded machine)
// offers the slots it missed within the last 100 ms at once, so the rate holds, and skips older
// ones (counted as late) rather than bursting without bound. A slot offered to a connection whose
// window is full is missed (the gateway answers slower than the rate). Start and Stop from one
// controlling thread; Result after Stop.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "load_connection.h"

namespace fleetgate::bench {

class Pacer {
 public:
  Pacer(double events_per_second, size_t batch, std::vector<LoadConnection*> connections);
  ~Pacer();  // Stop()

  void Start();
  void Stop();
  // {"target_events_per_second", "offered_events_per_second", "missed_slots", "late_slots"}
  nlohmann::ordered_json Result() const;

 private:
  using Clock = std::chrono::steady_clock;
  void Run();

  const double events_per_second_;
  const size_t batch_;
  const Clock::duration period_;  // between two offered batches, over all connections
  const std::vector<LoadConnection*> connections_;
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
  Clock::time_point started_, stopped_;
  std::atomic<uint64_t> offered_{0};  // batches a connection took
  std::atomic<uint64_t> missed_{0};   // slots a connection's full window refused
  std::atomic<uint64_t> late_{0};     // slots skipped because the thread woke too late
};

// A started Pacer for `rate` events/s over `connections` (which must have been set up paced), or
// nullptr when `rate` is 0 (closed loop).
std::unique_ptr<Pacer> StartPacer(double rate, size_t batch,
                                  const std::vector<std::unique_ptr<LoadConnection>>& connections);

}  // namespace fleetgate::bench
