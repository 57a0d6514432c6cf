#pragma once
// Clock is the one source of "now" for TTLs, `for` durations and retention, so tests can
// inject a ManualClock instead of sleeping. Implementations are thread-safe.

#include <atomic>
#include <chrono>
#include <memory>

namespace fleetgate {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// Wall-clock time (system_clock).
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static std::shared_ptr<Clock> Shared();
};

// A clock that moves only when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start);
  TimePoint Now() const override;
  void Set(TimePoint t);
  void Advance(std::chrono::nanoseconds d);

 private:
  std::atomic<int64_t> now_ns_;
};

}  // namespace fleetgate
