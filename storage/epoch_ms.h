#pragma once
// Conversion between TimePoint and the integer milliseconds since the Unix epoch stored in
// SQLite. Pure functions, thread-safe.

#include <chrono>
#include <cstdint>

#include "core/clock.h"

namespace fleetgate::storage {

inline int64_t ToEpochMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline TimePoint FromEpochMs(int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace fleetgate::storage
