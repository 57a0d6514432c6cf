#pragma once
// The alerts of one rule and their Prometheus state machine (rules/alerting.go): each label set
// whose sample is above the threshold is pending, then firing once it has been active for
// `for`; a pending alert whose sample disappears is dropped, a firing one is resolved and kept
// (for re-sending the resolution) until `resolved_retention` has passed. Time comes from the
// caller (the evaluator's injected Clock). Not synchronised: owned by the evaluation thread.

#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include "alerts/rule.h"
#include "core/clock.h"

namespace fleetgate::alerts {

enum class AlertState { kInactive, kPending, kFiring };

struct Alert {
  LabelSet labels;
  AlertState state = AlertState::kInactive;
  TimePoint active_at;
  std::optional<TimePoint> fired_at;
  std::optional<TimePoint> resolved_at;  // set when a firing alert resolves (state kInactive)
  double value = 0;
};

// A series whose value satisfied the rule's condition at this evaluation.
struct Sample {
  LabelSet labels;
  double value = 0;
};

enum class AlertEvent {
  kPending,   // inactive -> pending
  kFiring,    // pending -> firing, or inactive -> firing directly when `for` is 0
  kResolved,  // firing -> inactive (resolved)
  kDropped,   // pending -> inactive: never fired, so nothing to notify
};

// One state change, for the alert history.
struct StateChange {
  AlertEvent event;
  LabelSet labels;
  double value = 0;
  TimePoint at;
};

class ActiveAlerts {
 public:
  // Prometheus keeps resolved alerts 15 minutes so their resolution is re-sent.
  static constexpr std::chrono::minutes kDefaultResolvedRetention{15};

  explicit ActiveAlerts(std::chrono::milliseconds hold_duration,
                        std::chrono::milliseconds resolved_retention = kDefaultResolvedRetention);

  // Applies one evaluation at `now`: `samples` are the series currently above the threshold
  // (label sets must be distinct). Returns the state changes in label-set order.
  std::vector<StateChange> Update(const std::vector<Sample>& samples, TimePoint now);

  // Pending, firing and retained resolved alerts, in label-set order.
  std::vector<Alert> Alerts() const;

  // Puts back an alert persisted before a restart, as it was; no state change is reported.
  void Restore(Alert alert);
  // A rule's `for` was changed: pending alerts fire once active for the new duration.
  void set_hold_duration(std::chrono::milliseconds hold) { hold_duration_ = hold; }

 private:
  void Expire(const std::map<LabelSet, double>& present, TimePoint now,
              std::vector<StateChange>& changes);

  std::chrono::milliseconds hold_duration_;
  std::chrono::milliseconds resolved_retention_;
  std::map<LabelSet, Alert> alerts_;
};

std::string_view ToString(AlertState state);
std::string_view ToString(AlertEvent event);

}  // namespace fleetgate::alerts
