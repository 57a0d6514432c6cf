#pragma once
// Prometheus-style durations ("90s", "1h30m", "7d", "500ms"). Pure functions, thread-safe.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fleetgate {

// Units: ms, s, m, h, d (24h), w (7d), y (365d); components in descending order, e.g.
// "1h30m". "0" and "0s" are zero. nullopt when malformed or overflowing.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// The shortest Prometheus rendering of `d`: 90000ms -> "1m30s", 0 -> "0s".
std::string FormatDuration(std::chrono::milliseconds d);

}  // namespace fleetgate
