#include "alerts/alert_state.h"

#include <iterator>
#include <set>

namespace fleetgate::alerts {

ActiveAlerts::ActiveAlerts(std::chrono::milliseconds hold_duration,
                           std::chrono::milliseconds resolved_retention)
    : hold_duration_(hold_duration), resolved_retention_(resolved_retention) {}

std::vector<StateChange> ActiveAlerts::Update(const std::vector<Sample>& samples, TimePoint now) {
  std::map<LabelSet, double> present;
  for (const Sample& s : samples) present[s.labels] = s.value;

  std::vector<StateChange> changes;
  std::set<LabelSet> started;
  // As Prometheus: a present series updates a live alert's value, or starts a new pending one
  // (replacing a retained resolved alert, so a re-fire gets a fresh active_at).
  for (const auto& [labels, value] : present) {
    auto it = alerts_.find(labels);
    if (it != alerts_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = value;
      continue;
    }
    started.insert(labels);
    alerts_[labels] = Alert{labels, AlertState::kPending, now, std::nullopt, std::nullopt, value};
  }
  Expire(present, now, changes);
  for (auto& [labels, alert] : alerts_) {
    if (alert.state == AlertState::kPending && now - alert.active_at >= hold_duration_) {
      alert.state = AlertState::kFiring;
      alert.fired_at = now;
      changes.push_back({AlertEvent::kFiring, labels, alert.value, now});
    } else if (started.count(labels)) {
      changes.push_back({AlertEvent::kPending, labels, alert.value, now});
    }
  }
  return changes;
}

// Alerts whose series is gone: pending ones are dropped, firing ones resolve, resolved ones are
// forgotten once retention has passed.
void ActiveAlerts::Expire(const std::map<LabelSet, double>& present, TimePoint now,
                          std::vector<StateChange>& changes) {
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    Alert& alert = it->second;
    if (present.count(it->first)) {
      ++it;
      continue;
    }
    if (alert.state == AlertState::kPending) {
      changes.push_back({AlertEvent::kDropped, alert.labels, alert.value, now});
      it = alerts_.erase(it);
      continue;
    }
    if (alert.state == AlertState::kInactive) {
      bool expired = now - *alert.resolved_at > resolved_retention_;
      it = expired ? alerts_.erase(it) : std::next(it);
      continue;
    }
    alert.state = AlertState::kInactive;
    alert.resolved_at = now;
    changes.push_back({AlertEvent::kResolved, alert.labels, alert.value, now});
    ++it;
  }
}

std::vector<Alert> ActiveAlerts::Alerts() const {
  std::vector<Alert> out;
  for (const auto& [labels, alert] : alerts_) out.push_back(alert);
  return out;
}

void ActiveAlerts::Restore(Alert alert) {
  LabelSet labels = alert.labels;
  alerts_[std::move(labels)] = std::move(alert);
}

std::string_view ToString(AlertState state) {
  switch (state) {
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
  }
  return "";
}

std::string_view ToString(AlertEvent event) {
  switch (event) {
    case AlertEvent::kPending:
      return "pending";
    case AlertEvent::kFiring:
      return "firing";
    case AlertEvent::kResolved:
      return "resolved";
    case AlertEvent::kDropped:
      return "dropped";
  }
  return "";
}

}  // namespace fleetgate::alerts
