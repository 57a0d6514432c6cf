#pragma once
// RFC 3339 timestamps as the REST API writes and reads them. Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace fleetgate {

// UTC with millisecond precision: 2026-11-22T04:47:21.123Z.
std::string FormatRfc3339(TimePoint t);

// Accepts `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nullopt when malformed.
std::optional<TimePoint> ParseRfc3339(std::string_view text);

// Seconds since the Unix epoch as a double (Prometheus' convention for timestamps).
double ToUnixSeconds(TimePoint t);

}  // namespace fleetgate
