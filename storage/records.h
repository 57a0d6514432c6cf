#pragma once
// The values storage writes and reads: health transitions, instances' last states, history
// pages and availability reports. Plain value types; not synchronised.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace fleetgate::storage {

// Statuses are the registry's strings ("SERVING", "STALE", ...), stored as given. `from` is
// "" on an instance's first sighting; `to` is "DEREGISTERED" when it is removed.
inline constexpr char kServing[] = "SERVING";
inline constexpr char kUnknown[] = "UNKNOWN";
inline constexpr char kDeregistered[] = "DEREGISTERED";
// Time in MAINTENANCE is reported in time_in_status but is not observed time: availability
// leaves maintenance windows out.
inline constexpr char kMaintenance[] = "MAINTENANCE";

struct TransitionRecord {
  std::string service;
  std::string instance;
  std::string from;
  std::string to;
  std::string detail;
  TimePoint time;  // stored with millisecond precision
};

struct InstanceState {
  std::string service;
  std::string instance;
  std::string status;
  std::string detail;
  std::string version;
  TimePoint status_since;  // when `status` began: the last transition's time
  TimePoint last_seen;
  std::string checks_json = "{}";
  std::chrono::milliseconds ttl{0};
};

struct TransitionQuery {
  std::string service;
  std::optional<std::string> instance;
  std::optional<TimePoint> from;  // inclusive
  std::optional<TimePoint> to;    // exclusive
  int limit = 100;                // 1..kMaxQueryLimit
  std::string cursor;             // empty for the first page, else a page's next_cursor
};

inline constexpr int kMaxQueryLimit = 1000;

struct TransitionPage {
  std::vector<TransitionRecord> transitions;  // newest first
  std::string next_cursor;                    // empty on the last page
};

// Milliseconds spent in each status, keyed by status.
using StatusDurations = std::map<std::string, std::chrono::milliseconds>;

struct AvailabilityStats {
  // SERVING time / observed time; nullopt when nothing was observed.
  std::optional<double> serving_share;
  std::chrono::milliseconds observed{0};  // the sum of time_in_status but MAINTENANCE
  StatusDurations time_in_status;
  int64_t transitions = 0;  // rows whose time lies in the window
};

struct InstanceAvailability {
  std::string instance;
  AvailabilityStats stats;
};

// Over [window_start, window_end). An instance is observed from its first transition on,
// and not while its last status is DEREGISTERED; instances with neither observed time nor
// transitions in the window are left out.
struct ServiceAvailability {
  std::string service;
  TimePoint window_start;
  TimePoint window_end;
  std::vector<InstanceAvailability> instances;  // sorted by instance
  AvailabilityStats total;                      // summed over instances
};

}  // namespace fleetgate::storage
