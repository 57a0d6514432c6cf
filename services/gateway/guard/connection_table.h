#pragma once
// ConnectionTable: our duplicate of every gRPC connection's descriptor, so the guard can read the
// kernel's per-socket counters (TCP_INFO) and shut a connection down (shutdown(2) on the
// duplicate ends gRPC's side too) without racing gRPC's own close. Thread-safe.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "guard/guard_metrics.h"

namespace fleetgate::guard {

class ConnectionTable {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  // A connection that has sent less than one HTTP/2 flow-control window (64 KiB) cannot be what
  // holds the memory: shedding it frees nothing and cuts off a normal client (memory the
  // allocator keeps after a flood would otherwise shed every new caller, one per tick).
  static constexpr uint64_t kShedFloorBytes = 64 * 1024;

  explicit ConnectionTable(GuardMetrics& metrics) : metrics_(metrics) {}
  ~ConnectionTable();  // closes the duplicates
  ConnectionTable(const ConnectionTable&) = delete;
  ConnectionTable& operator=(const ConnectionTable&) = delete;

  // Takes ownership of `dup_fd`, a duplicate of a connection handed to gRPC.
  void Add(int dup_fd, std::string peer, SteadyTime now);
  size_t size() const;
  size_t CountFrom(const std::string& peer) const;

  // Reads every connection's counters and forgets (closes) those no longer established.
  void Refresh(SteadyTime now);
  // Shuts down the connection that received the most bytes per second since the previous
  // Refresh, among those that received at least kShedFloorBytes; false when there is none.
  bool ShedHeaviest(const std::string& reason);
  // Shuts down every connection that received at least kShedFloorBytes; how many.
  size_t ShedAllOverFloor(const std::string& reason);
  // Shuts down connections open longer than `grace` that have not sent one HTTP/2 preface.
  size_t ShedSilent(std::chrono::milliseconds grace, SteadyTime now);

 private:
  struct Connection {
    int fd;
    std::string peer;
    SteadyTime accepted;
    SteadyTime sampled;
    uint64_t bytes_received = 0;
    double receive_rate = 0;  // bytes per second over the last Refresh interval
    bool shed = false;
  };

  mutable std::mutex mu_;
  GuardMetrics& metrics_;
  std::vector<Connection> connections_;
};

}  // namespace fleetgate::guard
