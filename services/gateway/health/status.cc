#include "health/status.h"

namespace fleetgate::health {

std::string_view StatusName(Status status) {
  switch (status) {
    case Status::kServing:
      return "SERVING";
    case Status::kDegraded:
      return "DEGRADED";
    case Status::kNotServing:
      return "NOT_SERVING";
    case Status::kStale:
      return "STALE";
    case Status::kUnknown:
      return "UNKNOWN";
    case Status::kMaintenance:
      return "MAINTENANCE";
  }
  return "UNKNOWN";
}

std::optional<Status> ParseStatus(std::string_view name) {
  for (Status status : kAllStatuses) {
    if (StatusName(status) == name) return status;
  }
  return std::nullopt;
}

int Severity(Status status) {
  switch (status) {
    case Status::kServing:
      return 0;
    case Status::kMaintenance:
      return 1;
    case Status::kUnknown:
      return 2;
    case Status::kDegraded:
      return 3;
    case Status::kStale:
      return 4;
    case Status::kNotServing:
      return 5;
  }
  return 1;
}

}  // namespace fleetgate::health
