#pragma once
// An instance's health status and its wire/REST spelling. Pure functions, thread-safe.

#include <array>
#include <optional>
#include <string_view>

namespace fleetgate::health {

// UNKNOWN: seen (it sent events) but never reported its health.
// STALE: its last health report outlived its TTL.
enum class Status { kServing, kDegraded, kNotServing, kStale, kUnknown };

inline constexpr std::array<Status, 5> kAllStatuses{
    Status::kServing, Status::kDegraded, Status::kNotServing, Status::kStale, Status::kUnknown};

// "SERVING", "DEGRADED", "NOT_SERVING", "STALE", "UNKNOWN".
std::string_view StatusName(Status status);
std::optional<Status> ParseStatus(std::string_view name);

// Larger is worse: SERVING < UNKNOWN < DEGRADED < STALE < NOT_SERVING.
int Severity(Status status);

}  // namespace fleetgate::health
