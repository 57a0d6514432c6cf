#pragma once
// PeriodicWorker: the one shape of a background loop in fleetgate. It runs a task on its own
// thread every `interval` of an injected Clock, at once when woken, and once more when stopped
// (so a queue-draining task can flush). Start, Wake, RunNow and Stop are thread-safe; Stop is
// idempotent and joins; the task never runs concurrently with itself.
//
// With a ManualClock the interval does not elapse by itself: a test advances the clock and calls
// Wake() or RunNow(), and never sleeps.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"

namespace fleetgate {

class PeriodicWorker {
 public:
  // `task` gets the clock's time of the run. An interval of zero runs only when woken.
  using Task = std::function<void(TimePoint now)>;

  PeriodicWorker(std::string name, std::shared_ptr<const Clock> clock,
                 std::chrono::milliseconds interval, Task task);
  ~PeriodicWorker();  // Stop()
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  void Start();
  // The task runs as soon as the thread is free; calls before it runs fold into one run.
  void Wake();
  // Wakes the worker and waits until a run that started after this call has finished; false if
  // the worker stopped (or was never started) first.
  bool RunNow();
  // Stops the thread after one last run of the task; later calls return at once.
  void Stop();

  // For a task that waits inside (a retry backoff): waits up to `delay`, returns false at once
  // when the worker is stopping.
  bool SleepUnlessStopping(std::chrono::milliseconds delay);
  bool stopping() const;
  const std::string& name() const { return name_; }

 private:
  void Run();
  bool WaitForWork(std::unique_lock<std::mutex>& lock);

  const std::string name_;
  const std::shared_ptr<const Clock> clock_;
  const std::chrono::milliseconds interval_;
  const Task task_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  TimePoint next_due_{};    // the clock's time of the next periodic run
  uint64_t requested_ = 0;  // RunNow/Wake calls so far
  uint64_t completed_ = 0;  // the last request number a finished run covered
  bool started_ = false;
  bool stopping_ = false;
  bool running_ = false;  // the thread exists and has not finished its last run
  std::once_flag join_once_;
  std::thread thread_;
};

}  // namespace fleetgate
