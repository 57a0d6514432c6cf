// The writer's side of durable acknowledgement (storage.durable_ack): a waiter learns that its
// write is committed only after the commit, and that it failed when the batch was given up.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/history_writer.h"
#include "writer_fixture.h"

namespace fleetgate::storage {
namespace {

using std::chrono::steady_clock;

class HistoryWriterCommitTest : public WriterTest {};

TEST_F(HistoryWriterCommitTest, AWaiterWakesTheWriterAndReturnsAfterTheCommit) {
  HistoryWriter& writer = StartWriter();  // flush_interval 1 h: only a wake commits
  EXPECT_EQ(writer.LastAccepted(), 0u);
  ASSERT_TRUE(writer.Enqueue(MakeTransition("pod-1", "SERVING", At(1))));
  ASSERT_TRUE(writer.Enqueue(MakeTransition("pod-2", "SERVING", At(2))));
  const uint64_t seq = writer.LastAccepted();
  EXPECT_EQ(seq, 2u);
  EXPECT_EQ(CountRows("health_transitions"), 0);
  EXPECT_EQ(writer.AwaitCommit(seq, steady_clock::now()), CommitOutcome::kPending);  // no wait

  EXPECT_EQ(writer.AwaitCommit(seq, steady_clock::now() + std::chrono::seconds(30)),
            CommitOutcome::kCommitted);
  EXPECT_EQ(CountRows("health_transitions"), 2);  // committed before the waiter was told
  EXPECT_EQ(writer.AwaitCommit(1, steady_clock::now()), CommitOutcome::kCommitted);
}

TEST_F(HistoryWriterCommitTest, ConcurrentWaitersShareCommits) {
  HistoryWriter& writer = StartWriter();
  std::vector<std::thread> callers;
  std::atomic<int> committed{0};
  for (int c = 0; c < 8; ++c) {
    callers.emplace_back([&, c] {
      for (int i = 0; i < 25; ++i) {
        ASSERT_TRUE(writer.Enqueue(
            MakeTransition("pod-" + std::to_string(c), i % 2 ? "SERVING" : "DEGRADED", At(i))));
        uint64_t seq = writer.LastAccepted();
        if (writer.AwaitCommit(seq, steady_clock::now() + std::chrono::seconds(30)) ==
            CommitOutcome::kCommitted) {
          ++committed;
        }
      }
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(committed.load(), 200);
  EXPECT_EQ(CountRows("health_transitions"), 200);
}

TEST_F(HistoryWriterCommitTest, OneCommitAnswersEveryWriteQueuedBeforeIt) {
  HistoryWriter& writer = StartWriter();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(writer.Enqueue(MakeTransition("pod-" + std::to_string(i), "SERVING", At(i))));
  }
  EXPECT_EQ(
      writer.AwaitCommit(writer.LastAccepted(), steady_clock::now() + std::chrono::seconds(30)),
      CommitOutcome::kCommitted);
  for (uint64_t seq = 1; seq <= 10; ++seq) {
    EXPECT_EQ(writer.AwaitCommit(seq, steady_clock::now()), CommitOutcome::kCommitted);
  }
  EXPECT_EQ(Metric("fleetgate_storage_write_duration_seconds"), 1);  // one transaction
}

TEST_F(HistoryWriterCommitTest, AWaiterLearnsThatItsBatchWasGivenUp) {
  HistoryWriter& writer = StartWriter();
  writer.SetMaxPageCount(1);  // a full disk: the batch is dropped after max_attempts
  std::string detail(4000, 'x');
  for (int i = 0; i < 50; ++i) {
    TransitionRecord t = MakeTransition("pod-" + std::to_string(i), "SERVING", At(i));
    t.detail = detail;
    ASSERT_TRUE(writer.Enqueue(t));
  }
  const uint64_t lost = writer.LastAccepted();
  EXPECT_EQ(writer.AwaitCommit(lost, steady_clock::now() + std::chrono::seconds(30)),
            CommitOutcome::kFailed);
  EXPECT_FALSE(writer.Healthy());

  writer.SetMaxPageCount(0);  // space given back: the next write commits, the old stays failed
  ASSERT_TRUE(writer.Enqueue(MakeTransition("pod", "SERVING", At(1))));
  EXPECT_EQ(
      writer.AwaitCommit(writer.LastAccepted(), steady_clock::now() + std::chrono::seconds(30)),
      CommitOutcome::kCommitted);
  EXPECT_EQ(writer.AwaitCommit(lost, steady_clock::now()), CommitOutcome::kFailed);
}

}  // namespace
}  // namespace fleetgate::storage
