// CommitTracker: sequence numbers, outcomes in order, failed ranges and waits with a deadline.
#include "storage/commit_tracker.h"

#include <gtest/gtest.h>

#include <thread>

namespace fleetgate::storage {
namespace {

using std::chrono::steady_clock;

TEST(CommitTrackerTest, NumbersStartAtOneAndNothingAcceptedIsCommitted) {
  CommitTracker tracker;
  EXPECT_EQ(tracker.last_accepted(), 0u);
  EXPECT_EQ(tracker.Outcome(0), CommitOutcome::kCommitted);
  EXPECT_EQ(tracker.Accept(), 1u);
  EXPECT_EQ(tracker.Accept(), 2u);
  EXPECT_EQ(tracker.last_accepted(), 2u);
  EXPECT_EQ(tracker.Outcome(1), CommitOutcome::kPending);
}

TEST(CommitTrackerTest, OnlyTheRangeGivenUpIsFailed) {
  CommitTracker tracker;
  for (int i = 0; i < 9; ++i) tracker.Accept();
  tracker.Done(3, true);
  tracker.Done(6, false);
  tracker.Done(9, true);
  EXPECT_EQ(tracker.Outcome(3), CommitOutcome::kCommitted);
  EXPECT_EQ(tracker.Outcome(4), CommitOutcome::kFailed);
  EXPECT_EQ(tracker.Outcome(6), CommitOutcome::kFailed);
  EXPECT_EQ(tracker.Outcome(7), CommitOutcome::kCommitted);
  EXPECT_EQ(tracker.Outcome(10), CommitOutcome::kPending);
  tracker.Done(5, true);  // out of order: ignored
  EXPECT_EQ(tracker.Outcome(5), CommitOutcome::kFailed);
}

TEST(CommitTrackerTest, OutcomesTooOldToRememberCountAsFailed) {
  CommitTracker tracker;
  for (uint64_t i = 1; i <= 600; ++i) {
    tracker.Accept();
    tracker.Done(i, i % 2 == 0);  // every odd number is given up: 300 ranges
  }
  EXPECT_EQ(tracker.Outcome(600), CommitOutcome::kCommitted);
  EXPECT_EQ(tracker.Outcome(599), CommitOutcome::kFailed);
  EXPECT_EQ(tracker.Outcome(2), CommitOutcome::kFailed);  // forgotten: not claimed committed
}

TEST(CommitTrackerTest, AwaitReturnsWhenTheWriterReportsAndTimesOutOtherwise) {
  CommitTracker tracker;
  const uint64_t seq = tracker.Accept();
  EXPECT_EQ(tracker.Await(seq, steady_clock::now()), CommitOutcome::kPending);
  std::thread writer([&] { tracker.Done(seq, true); });
  EXPECT_EQ(tracker.Await(seq, steady_clock::now() + std::chrono::seconds(30)),
            CommitOutcome::kCommitted);
  writer.join();
}

}  // namespace
}  // namespace fleetgate::storage
