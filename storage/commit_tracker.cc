#include "storage/commit_tracker.h"

#include <algorithm>

namespace fleetgate::storage {

uint64_t CommitTracker::Accept() {
  std::lock_guard<std::mutex> lock(mu_);
  return ++accepted_;
}

uint64_t CommitTracker::last_accepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return accepted_;
}

void CommitTracker::Done(uint64_t through, bool committed) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (through <= done_) return;
    if (!committed) {
      failed_.emplace_back(done_, through);
      if (failed_.size() > kMaxFailedRanges) {
        forgotten_through_ = failed_.front().second;
        failed_.pop_front();
      }
    }
    done_ = through;
  }
  done_cv_.notify_all();
}

CommitOutcome CommitTracker::Outcome(uint64_t seq) const {
  std::lock_guard<std::mutex> lock(mu_);
  return OutcomeLocked(seq);
}

CommitOutcome CommitTracker::Await(uint64_t seq,
                                   std::chrono::steady_clock::time_point until) const {
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait_until(lock, until, [&] { return done_ >= seq; });
  return OutcomeLocked(seq);
}

CommitOutcome CommitTracker::OutcomeLocked(uint64_t seq) const {
  if (seq == 0) return CommitOutcome::kCommitted;  // nothing was written
  if (seq > done_) return CommitOutcome::kPending;
  if (seq <= forgotten_through_) return CommitOutcome::kFailed;
  // Failed ranges are few (one per batch given up), newest last.
  for (auto it = failed_.rbegin(); it != failed_.rend(); ++it) {
    if (seq > it->first && seq <= it->second) return CommitOutcome::kFailed;
    if (seq > it->second) break;
  }
  return CommitOutcome::kCommitted;
}

}  // namespace fleetgate::storage
