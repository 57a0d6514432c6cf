#pragma once
// The alert values storage writes and reads: state changes for the alert history, the active
// alerts that survive a restart, and history pages. Plain value types; not synchronised.

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace fleetgate::storage {

// Alert states are the evaluator's strings, stored as given.
inline constexpr char kAlertInactive[] = "inactive";
inline constexpr char kAlertPending[] = "pending";
inline constexpr char kAlertFiring[] = "firing";
inline constexpr char kAlertResolved[] = "resolved";

// One state change of one alert (a rule and its label set), a row of `alert_history`.
struct AlertTransition {
  std::string rule;
  std::string labels_json = "{}";  // the alert's labels as a JSON object, stored as given
  std::string from;
  std::string to;
  std::optional<double> value;  // the condition's value, when there was one
  TimePoint time;               // stored with millisecond precision
};

// One active alert of a rule, a row of `alert_state`.
struct AlertStateRecord {
  std::string labels_json = "{}";
  std::string state;
  TimePoint active_at;
  std::optional<TimePoint> fired_at;
  std::optional<TimePoint> resolved_at;
  double value = 0;
};

// Every active alert of one rule. Written, it replaces all of the rule's stored alerts: an
// empty `alerts` deletes them (the rule was deleted or has no active alert).
struct AlertStates {
  std::string rule;
  std::vector<AlertStateRecord> alerts;  // read back sorted by labels_json
};

struct AlertHistoryQuery {
  std::optional<std::string> rule;  // every rule when absent
  std::optional<TimePoint> from;    // inclusive
  std::optional<TimePoint> to;      // exclusive
  int limit = 100;                  // 1..kMaxQueryLimit
  std::string cursor;               // empty for the first page, else a page's next_cursor
};

struct AlertHistoryPage {
  std::vector<AlertTransition> transitions;  // newest first
  std::string next_cursor;                   // empty on the last page
};

}  // namespace fleetgate::storage
