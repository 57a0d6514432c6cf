#pragma once
// What a load run has achieved so far, shared by every connection. Only acknowledged (accepted)
// events count as events; errors are failed RPCs plus rejected events. Thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "fleetgate/v1/reporter.pb.h"
#include "latency_histogram.h"

namespace fleetgate::bench {

struct LoadCounters {
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> rpcs{0};  // completed with an OK status
  std::atomic<uint64_t> failed_rpcs{0};
  std::atomic<uint64_t> rejected_events{0};
  LatencyHistogram latency;

  void RecordResponse(const v1::ReportResponse& response, std::chrono::nanoseconds latency_ns) {
    RecordAnswer(response.accepted(), response.rejected(), latency_ns);
  }
  // An RPC answered OK that accepted `accepted` events (data points) and refused `rejected`.
  void RecordAnswer(uint64_t accepted, uint64_t rejected, std::chrono::nanoseconds latency_ns) {
    events.fetch_add(accepted, std::memory_order_relaxed);
    rejected_events.fetch_add(rejected, std::memory_order_relaxed);
    rpcs.fetch_add(1, std::memory_order_relaxed);
    latency.Record(latency_ns);
  }
  void RecordFailure(uint64_t count = 1) {
    failed_rpcs.fetch_add(count, std::memory_order_relaxed);
  }
  uint64_t errors() const {
    return failed_rpcs.load(std::memory_order_relaxed) +
           rejected_events.load(std::memory_order_relaxed);
  }
};

}  // namespace fleetgate::bench
