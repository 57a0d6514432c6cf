#pragma once
// Plain values the health registry hands out: an instance's state, a status transition, and
// per-service summaries. Copyable snapshots; no locking of their own.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "health/status.h"

namespace fleetgate::health {

struct Check {
  std::string name;
  Status status = Status::kUnknown;
  std::string detail;
};

// One health event as reported by an instance.
struct HealthReport {
  Status status = Status::kUnknown;
  std::string detail;
  std::vector<Check> checks;
  std::chrono::seconds ttl{0};  // 0: the registry's default
};

// An operator's maintenance window. While it lasts the instance's status is MAINTENANCE; what it
// reports meanwhile is kept here and becomes its status again when the window ends.
struct Maintenance {
  TimePoint until;
  std::string reason;
  Status reported = Status::kUnknown;
  std::string reported_detail;
};

struct Instance {
  std::string service;
  std::string instance;
  std::string version;
  Status status = Status::kUnknown;
  std::string detail;
  std::vector<Check> checks;
  TimePoint first_seen;
  TimePoint last_seen;                   // any event
  TimePoint status_since;                // when the current status began
  std::optional<TimePoint> last_report;  // last health event
  std::chrono::milliseconds ttl{0};
  TimePoint expires_at;  // becomes STALE after this
  std::optional<Maintenance> maintenance;
};

// One status change. `from` is empty on first sighting, `to` on deregistration.
struct StatusChange {
  std::string service;
  std::string instance;
  std::optional<Status> from;
  std::optional<Status> to;
  std::string detail;
  TimePoint time;
};

struct ServiceSummary {
  std::string service;
  std::map<Status, size_t> counts;  // every status, zeros included
  size_t instances = 0;
  Status worst = Status::kUnknown;
};

}  // namespace fleetgate::health
