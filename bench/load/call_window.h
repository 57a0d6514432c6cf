#pragma once
// CallWindow: the slots of the calls a unary-style connection keeps in flight (unary Report,
// Health/Check, OTLP Export), at most `limit`. Unpaced, an answered call issues the next one in
// its own slot; paced (--rate), a slot is taken when the pacer offers a call and freed by the
// answer. Thread-safe.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "load_connection.h"

namespace fleetgate::bench {

class CallWindow {
 public:
  explicit CallWindow(size_t limit) : limit_(limit) {}

  // Takes every slot (an unpaced start); returns how many calls to issue.
  size_t TakeAll() {
    outstanding_.store(limit_);
    return limit_;
  }

  // Takes one slot unless all are taken or the connection is stopping.
  bool TryTake() {
    size_t outstanding = outstanding_.load();
    do {
      if (stopping_.load() || outstanding >= limit_) return false;
    } while (!outstanding_.compare_exchange_weak(outstanding, outstanding + 1));
    return true;
  }

  void Stop() { stopping_.store(true); }

  // After an answer: true when its slot carries the next call (unpaced and not stopping); else
  // the slot is freed, and freeing the last one ends WaitDrained.
  bool KeepSlot(bool paced) {
    if (!paced && !stopping_.load()) return true;
    std::lock_guard<std::mutex> lock(mutex_);
    if (outstanding_.fetch_sub(1) == 1) drained_.notify_all();
    return false;
  }

  // False when calls were still in flight after `deadline`; waits for them anyway (every call
  // carries its own gRPC deadline, so the second wait ends).
  bool WaitDrained(std::chrono::milliseconds deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    const bool drained =
        drained_.wait_for(lock, deadline, [&] { return outstanding_.load() == 0; });
    drained_.wait(lock, [&] { return outstanding_.load() == 0; });
    return drained;
  }

 private:
  const size_t limit_;
  std::atomic<size_t> outstanding_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable drained_;
};

// A load connection of unary-style calls kept in a CallWindow: Start, Offer, Stop and
// WaitDrained for a connection that only says how to issue one call (Issue) and calls Answered
// when one completes.
class WindowedConnection : public LoadConnection {
 public:
  WindowedConnection(size_t window, bool paced) : window_(window), paced_(paced) {}

  void Start() override {
    if (paced_) return;  // calls start when offered
    for (size_t i = window_.TakeAll(); i > 0; --i) Issue();
  }

  bool Offer() override {
    if (!window_.TryTake()) return false;
    Issue();
    return true;
  }

  void Stop() override { window_.Stop(); }

  bool WaitDrained(std::chrono::milliseconds deadline) override {
    return window_.WaitDrained(deadline);
  }

 protected:
  virtual void Issue() = 0;
  // After a call's answer is recorded: the next call in its slot, or the slot freed.
  void Answered() {
    if (window_.KeepSlot(paced_)) Issue();
  }

 private:
  CallWindow window_;
  const bool paced_;
};

}  // namespace fleetgate::bench
