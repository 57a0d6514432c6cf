#pragma once
// The rules by which the RuleEvaluator delivers its alerts: the states written to the alert
// history and the stored active alerts, and Prometheus' rules for (re-)sending an alert to
// Alertmanager. Pure functions; thread-safe.

#include <chrono>
#include <optional>
#include <utility>

#include "alerts/alert_state.h"
#include "alerts/rule.h"
#include "core/clock.h"

namespace fleetgate::alerts {

// The stored states an alert event moves between ("inactive" -> "pending", ...).
std::pair<const char*, const char*> HistoryStates(AlertEvent event, const Rule& rule);

// An active alert's state as stored ("pending", "firing", or "resolved").
const char* StoredState(const Alert& alert);

// Prometheus' needsSending: never while pending; a resolution not sent yet; otherwise once
// every resend_delay.
bool NeedsSending(const Alert& alert, std::optional<TimePoint> last_sent, TimePoint now,
                  std::chrono::milliseconds resend_delay);

// The endsAt of a firing alert sent at `now`: a few evaluation (or re-send) intervals ahead, as
// Prometheus does, so Alertmanager resolves it by itself if fleetgate stops re-sending.
TimePoint FiringEndsAt(TimePoint now, std::chrono::milliseconds interval,
                       std::chrono::milliseconds resend_delay);

}  // namespace fleetgate::alerts
