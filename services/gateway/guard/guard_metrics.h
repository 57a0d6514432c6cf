#pragma once
// GuardMetrics: the gRPC port guard's self-metrics — connections refused at accept and shed
// afterwards, each by reason, and the connections open. Thread-safe (prometheus-cpp counters).

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

namespace fleetgate::guard {

class GuardMetrics {
 public:
  explicit GuardMetrics(prometheus::Registry& registry);

  // reason: connection_limit, peer_limit, descriptors.
  void Refused(const std::string& reason);
  // reason: memory, silent, slow.
  void Shed(const std::string& reason);
  void SetOpen(size_t connections) { open_.Set(static_cast<double>(connections)); }
  void SetMemoryShedding(bool on) { memory_shedding_.Set(on ? 1 : 0); }

 private:
  prometheus::Family<prometheus::Counter>& refused_;
  prometheus::Family<prometheus::Counter>& shed_;
  prometheus::Gauge& open_;
  prometheus::Gauge& memory_shedding_;
};

}  // namespace fleetgate::guard
