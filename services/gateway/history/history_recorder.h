#pragma once
// Connects the live registry to persisted history: HistoryRecorder turns each registry
// transition into a history row and an update of the instance's last state (write-behind: it
// only enqueues), and RestoreRegistry rebuilds the registry from those last states at start-up
// so a restart neither loses history nor flaps the fleet. Thread-safe as its sink is.

#include <memory>

#include "core/clock.h"
#include "health/health_registry.h"
#include "storage/history_store.h"

namespace fleetgate::history {

class HistoryRecorder final : public health::TransitionSink {
 public:
  explicit HistoryRecorder(storage::HistorySink& sink) : sink_(sink) {}
  void OnTransition(const health::StatusChange& transition, const health::Instance* now) override;
  void OnForgotten(const health::Instance& instance) override;

 private:
  storage::HistorySink& sink_;
};

storage::InstanceState ToInstanceState(const health::Instance& instance);

// A restored instance keeps its status and last change; it gets one TTL from `now` to report
// again before it lapses to STALE. Rows with an unknown status are skipped. Returns the count.
size_t RestoreRegistry(const std::vector<storage::InstanceState>& states, TimePoint now,
                       health::HealthRegistry& registry);

}  // namespace fleetgate::history
