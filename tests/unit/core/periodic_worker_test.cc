#include "core/periodic_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>

namespace fleetgate {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

class PeriodicWorkerTest : public ::testing::Test {
 protected:
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(TimePoint(seconds(1000)));
  std::atomic<int> runs_{0};
  std::atomic<int64_t> last_run_s_{0};
  PeriodicWorker::Task CountRuns() {
    return [this](TimePoint now) {
      last_run_s_ = std::chrono::duration_cast<seconds>(now.time_since_epoch()).count();
      ++runs_;
    };
  }
};

TEST_F(PeriodicWorkerTest, RunNowRunsTheTaskOnceWithTheClocksTime) {
  PeriodicWorker worker("test", clock_, hours(1), CountRuns());
  worker.Start();
  clock_->Advance(seconds(5));
  ASSERT_TRUE(worker.RunNow());
  EXPECT_EQ(runs_.load(), 1);
  EXPECT_EQ(last_run_s_.load(), 1005);
}

TEST_F(PeriodicWorkerTest, DoesNotRunBeforeTheIntervalOfAFrozenClock) {
  PeriodicWorker worker("test", clock_, milliseconds(20), CountRuns());
  worker.Start();
  ASSERT_TRUE(worker.RunNow());  // a run that we asked for
  // 20 ms of real time pass in the worker's waits, but the manual clock stands still.
  PeriodicWorker probe("probe", clock_, hours(1), [](TimePoint) {});
  EXPECT_TRUE(probe.SleepUnlessStopping(milliseconds(60)));
  EXPECT_EQ(runs_.load(), 1);
}

TEST_F(PeriodicWorkerTest, RunsWhenTheClockPassesTheInterval) {
  PeriodicWorker worker("test", clock_, milliseconds(10), CountRuns());
  worker.Start();
  ASSERT_TRUE(worker.RunNow());  // the next periodic run is due 10 ms after this one
  clock_->Advance(seconds(1));
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (runs_.load() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_GE(runs_.load(), 2);
}

TEST_F(PeriodicWorkerTest, WithZeroIntervalRunsOnlyWhenWoken) {
  PeriodicWorker worker("test", clock_, milliseconds(0), CountRuns());
  worker.Start();
  clock_->Advance(hours(100));
  worker.Wake();
  ASSERT_TRUE(worker.RunNow());
  EXPECT_GE(runs_.load(), 1);
  EXPECT_LE(runs_.load(), 2);
}

TEST_F(PeriodicWorkerTest, StopRunsTheTaskOnceMoreAndIsIdempotent) {
  PeriodicWorker worker("test", clock_, hours(1), CountRuns());
  worker.Start();
  worker.Stop();
  EXPECT_EQ(runs_.load(), 1);
  worker.Stop();
  EXPECT_EQ(runs_.load(), 1);
  EXPECT_FALSE(worker.RunNow());
  EXPECT_TRUE(worker.stopping());
}

TEST_F(PeriodicWorkerTest, StopWithoutStartDoesNothing) {
  PeriodicWorker worker("test", clock_, hours(1), CountRuns());
  worker.Stop();
  worker.Start();  // after Stop, Start is refused
  EXPECT_FALSE(worker.RunNow());
  EXPECT_EQ(runs_.load(), 0);
}

TEST_F(PeriodicWorkerTest, SleepUnlessStoppingReturnsFalseOnceStopping) {
  std::atomic<bool> slept_through{true};
  std::promise<void> sleeping;
  PeriodicWorker* self = nullptr;
  PeriodicWorker worker("test", clock_, milliseconds(0), [&](TimePoint) {
    if (self->stopping()) return;
    sleeping.set_value();
    slept_through = self->SleepUnlessStopping(hours(1));
  });
  self = &worker;
  worker.Start();
  worker.Wake();
  sleeping.get_future().wait();
  worker.Stop();  // interrupts the hour-long sleep
  EXPECT_FALSE(slept_through.load());
}

TEST_F(PeriodicWorkerTest, ConcurrentRunNowCallersAllReturn) {
  PeriodicWorker worker("test", clock_, hours(1), CountRuns());
  worker.Start();
  std::vector<std::thread> callers;
  for (int i = 0; i < 8; ++i) callers.emplace_back([&] { EXPECT_TRUE(worker.RunNow()); });
  for (auto& t : callers) t.join();
  EXPECT_GE(runs_.load(), 1);
  EXPECT_LE(runs_.load(), 8);
}

}  // namespace
}  // namespace fleetgate
