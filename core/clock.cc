#include "core/clock.h"

namespace fleetgate {

std::shared_ptr<Clock> SystemClock::Shared() {
  static const auto clock = std::make_shared<SystemClock>();
  return clock;
}

ManualClock::ManualClock(TimePoint start) { Set(start); }

TimePoint ManualClock::Now() const {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::nanoseconds(now_ns_.load(std::memory_order_acquire))));
}

void ManualClock::Set(TimePoint t) {
  now_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count(),
                std::memory_order_release);
}

void ManualClock::Advance(std::chrono::nanoseconds d) {
  now_ns_.fetch_add(d.count(), std::memory_order_acq_rel);
}

}  // namespace fleetgate
