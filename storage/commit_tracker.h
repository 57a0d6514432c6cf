#pragma once
// CommitTracker: what became of each write of a write-behind queue, for durable acknowledgement
// (storage.durable_ack). Every accepted write gets the next sequence number; the writer reports,
// in order, that every write up to a number was committed, or given up (dropped after its
// retries). A caller waits for its number. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>

namespace fleetgate::storage {

enum class CommitOutcome {
  kCommitted,  // in the database
  kFailed,     // dropped after its retries (or its outcome is too old to be known)
  kPending,    // not written yet
};

class CommitTracker {
 public:
  // Hands out the next sequence number (the first is 1).
  uint64_t Accept();
  // The last sequence number handed out; 0 before the first.
  uint64_t last_accepted() const;
  // Every write up to `through` is done: committed, or given up when `committed` is false.
  // Called by the writer in increasing order; wakes the waiters.
  void Done(uint64_t through, bool committed);
  CommitOutcome Outcome(uint64_t seq) const;
  // Waits until write `seq` is done or until `until`; kPending on timeout.
  CommitOutcome Await(uint64_t seq, std::chrono::steady_clock::time_point until) const;

 private:
  // The ranges (first, last] given up, oldest first; beyond kMaxFailedRanges the oldest are
  // forgotten, and every number up to forgotten_through_ then counts as failed.
  static constexpr size_t kMaxFailedRanges = 256;

  CommitOutcome OutcomeLocked(uint64_t seq) const;

  mutable std::mutex mu_;
  mutable std::condition_variable done_cv_;
  uint64_t accepted_ = 0;
  uint64_t done_ = 0;
  std::deque<std::pair<uint64_t, uint64_t>> failed_;
  uint64_t forgotten_through_ = 0;
};

}  // namespace fleetgate::storage
