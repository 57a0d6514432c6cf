#include "core/periodic_worker.h"

#include <utility>

namespace fleetgate {

PeriodicWorker::PeriodicWorker(std::string name, std::shared_ptr<const Clock> clock,
                               std::chrono::milliseconds interval, Task task)
    : name_(std::move(name)),
      clock_(std::move(clock)),
      interval_(interval),
      task_(std::move(task)) {}

PeriodicWorker::~PeriodicWorker() { Stop(); }

void PeriodicWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  running_ = true;
  next_due_ = clock_->Now() + interval_;
  thread_ = std::thread([this] { Run(); });
}

void PeriodicWorker::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++requested_;
  }
  cv_.notify_all();
}

bool PeriodicWorker::RunNow() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!running_) return false;
  const uint64_t ticket = ++requested_;
  cv_.notify_all();
  cv_.wait(lock, [&] { return completed_ >= ticket || !running_; });
  return completed_ >= ticket;
}

void PeriodicWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  std::call_once(join_once_, [this] {
    if (thread_.joinable()) thread_.join();
  });
}

bool PeriodicWorker::SleepUnlessStopping(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, delay, [this] { return stopping_; });
}

bool PeriodicWorker::stopping() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

// Waits for a request, the stop, or the next interval on the clock; true when the task is due.
bool PeriodicWorker::WaitForWork(std::unique_lock<std::mutex>& lock) {
  while (!stopping_ && requested_ == completed_) {
    if (interval_.count() <= 0) {
      cv_.wait(lock);
      continue;
    }
    const auto left = next_due_ - clock_->Now();
    if (left <= TimePoint::duration::zero()) return true;
    // The clock may be a ManualClock that never moves by itself: wait at most the interval in
    // real time, then look at the clock again.
    cv_.wait_for(lock, std::min<std::chrono::nanoseconds>(left, interval_));
  }
  return true;
}

void PeriodicWorker::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    WaitForWork(lock);
    const bool last = stopping_;
    const uint64_t covered = requested_;
    const TimePoint now = clock_->Now();
    next_due_ = now + interval_;
    lock.unlock();
    task_(now);
    lock.lock();
    completed_ = covered;
    cv_.notify_all();
    if (last) break;
  }
  running_ = false;
  cv_.notify_all();
}

}  // namespace fleetgate
