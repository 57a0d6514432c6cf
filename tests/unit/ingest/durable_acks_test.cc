// DurableAcks (storage.durable_ack) against a fake history sink: which answers wait, and what
// each outcome of the commit (committed, given up, failing store, deadline, shutdown) answers.
#include "ingest/durable_acks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "history/transition_capture.h"
#include "storage/commit_tracker.h"

namespace fleetgate::ingest {
namespace {

using std::chrono::system_clock;
using ::testing::HasSubstr;

class FakeSink final : public storage::HistorySink {
 public:
  bool Enqueue(storage::TransitionRecord) override { return Accept(); }
  bool Enqueue(storage::InstanceState) override { return Accept(); }
  bool EnqueueDelete(std::string, std::string) override { return Accept(); }
  bool Enqueue(storage::AlertTransition) override { return Accept(); }
  bool Enqueue(storage::AlertStates) override { return Accept(); }
  bool Healthy() const override { return healthy.load(); }
  std::string LastError() const override { return healthy ? "" : "disk full"; }
  uint64_t LastAccepted() const override { return tracker.last_accepted(); }
  storage::CommitOutcome AwaitCommit(uint64_t seq,
                                     std::chrono::steady_clock::time_point until) override {
    return tracker.Await(seq, until);
  }

  bool Accept() {
    tracker.Accept();
    return true;
  }

  storage::CommitTracker tracker;
  std::atomic<bool> healthy{true};
};

class DurableAcksTest : public ::testing::Test {
 protected:
  // A batch that records one transition (as the HistoryRecorder would) and succeeds.
  std::function<grpc::Status()> Transition() {
    return [this] {
      sink_.Accept();
      history::TransitionCapture::Note(true);
      return grpc::Status::OK;
    };
  }

  // Answers through `acks` and returns a future of the status.
  std::future<grpc::Status> Answer(
      DurableAcks& acks, const std::function<grpc::Status()>& apply,
      system_clock::time_point deadline = system_clock::time_point::max()) {
    auto promise = std::make_shared<std::promise<grpc::Status>>();
    auto answer = promise->get_future();
    acks.Answer(deadline, apply, [promise](const grpc::Status& s) { promise->set_value(s); });
    return answer;
  }

  static bool Ready(std::future<grpc::Status>& answer) {
    return answer.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
  static grpc::Status Get(std::future<grpc::Status>& answer) {
    EXPECT_EQ(answer.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return answer.get();
  }

  FakeSink sink_;
  std::shared_ptr<const Clock> clock_ = std::make_shared<SystemClock>();
};

TEST_F(DurableAcksTest, OffOrWithoutATransitionTheAnswerIsImmediate) {
  DurableAcks off(sink_, false, clock_);
  auto answer = Answer(off, Transition());
  ASSERT_TRUE(Ready(answer));
  EXPECT_TRUE(answer.get().ok());

  DurableAcks on(sink_, true, clock_);
  auto metrics_only = Answer(on, [] { return grpc::Status::OK; });
  ASSERT_TRUE(Ready(metrics_only));
  EXPECT_TRUE(metrics_only.get().ok());
  auto refused = Answer(on, [] { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "x"); });
  ASSERT_TRUE(Ready(refused));
  EXPECT_EQ(refused.get().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DurableAcksTest, ATransitionIsAnsweredOnlyAfterItsCommit) {
  DurableAcks acks(sink_, true, clock_);
  auto first = Answer(acks, Transition());
  auto second = Answer(acks, Transition());
  EXPECT_FALSE(Ready(first));
  EXPECT_FALSE(Ready(second));
  sink_.tracker.Done(1, true);
  EXPECT_TRUE(Get(first).ok());
  EXPECT_FALSE(Ready(second));
  sink_.tracker.Done(2, true);
  EXPECT_TRUE(Get(second).ok());
  EXPECT_EQ(acks.waiting(), 0u);
}

TEST_F(DurableAcksTest, AGivenUpBatchOrAFailingStoreAnswersUnavailable) {
  DurableAcks acks(sink_, true, clock_);
  auto lost = Answer(acks, Transition());
  sink_.tracker.Done(1, false);
  grpc::Status status = Get(lost);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("could not commit"));

  sink_.healthy = false;
  auto failing = Answer(acks, Transition());
  status = Get(failing);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("history store is failing (disk full)"));
}

TEST_F(DurableAcksTest, AFullQueueAnswersUnavailableAtOnce) {
  DurableAcks acks(sink_, true, clock_);
  auto dropped = Answer(acks, [] {
    history::TransitionCapture::Note(false);
    return grpc::Status::OK;
  });
  ASSERT_TRUE(Ready(dropped));
  grpc::Status status = dropped.get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("storage.queue_capacity"));
}

TEST_F(DurableAcksTest, TheClientDeadlineAndTheMaximumWaitAreHonoured) {
  DurableAcks acks(sink_, true, clock_, std::chrono::milliseconds(50));
  auto with_deadline =
      Answer(acks, Transition(), system_clock::now() + std::chrono::milliseconds(20));
  EXPECT_EQ(Get(with_deadline).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  auto without = Answer(acks, Transition());
  grpc::Status status = Get(without);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("within 50 ms"));
}

TEST_F(DurableAcksTest, StopAnswersEveryWaiterAndLaterCallsUnavailable) {
  DurableAcks acks(sink_, true, clock_);
  auto waiting = Answer(acks, Transition());
  acks.Stop();
  EXPECT_EQ(Get(waiting).error_code(), grpc::StatusCode::UNAVAILABLE);
  auto later = Answer(acks, Transition());
  ASSERT_TRUE(Ready(later));
  EXPECT_EQ(later.get().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(DurableAcksTest, AnswerBlockingWaitsForTheCommitOnTheCallingThread) {
  DurableAcks acks(sink_, true, clock_);
  std::thread writer([&] {
    while (sink_.tracker.last_accepted() == 0) std::this_thread::yield();
    sink_.tracker.Done(1, true);
  });
  EXPECT_TRUE(acks.AnswerBlocking([apply = Transition()] { return apply().ok(); }).ok());
  writer.join();
}

}  // namespace
}  // namespace fleetgate::ingest
