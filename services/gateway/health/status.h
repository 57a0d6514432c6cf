#pragma once
// An instance's health status and its wire/REST spelling. Pure functions, thread-safe.

#include <array>
#include <optional>
#include <string_view>

namespace fleetgate::health {

// UNKNOWN: seen (it sent events) but never reported its health.
// STALE: its last health report outlived its TTL.
// MAINTENANCE: an operator took it out of health evaluation until a given time.
enum class Status { kServing, kDegraded, kNotServing, kStale, kUnknown, kMaintenance };

inline constexpr std::array<Status, 6> kAllStatuses{Status::kServing,    Status::kDegraded,
                                                    Status::kNotServing, Status::kStale,
                                                    Status::kUnknown,    Status::kMaintenance};

// "SERVING", "DEGRADED", "NOT_SERVING", "STALE", "UNKNOWN", "MAINTENANCE".
std::string_view StatusName(Status status);
std::optional<Status> ParseStatus(std::string_view name);

// Larger is worse: SERVING < MAINTENANCE < UNKNOWN < DEGRADED < STALE < NOT_SERVING.
int Severity(Status status);

}  // namespace fleetgate::health
