#include <gtest/gtest.h>

#include "health/health_registry.h"

namespace fleetgate::health {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class TransitionLog : public TransitionSink {
 public:
  void OnTransition(const StatusChange& transition, const Instance*) override {
    transitions.push_back(transition);
  }
  std::vector<StatusChange> transitions;
};

class MaintenanceTest : public ::testing::Test {
 protected:
  MaintenanceTest()
      : clock_(std::make_shared<ManualClock>(TimePoint(seconds(1'000'000)))),
        registry_(RegistryOptions{}, clock_, &log_) {
    Report(Status::kServing);
  }

  void Report(Status status) {
    registry_.Report("billing", "b-1", "1.0", HealthReport{status, "reported", {}, minutes(60)});
  }
  Instance Get() { return *registry_.Find("billing", "b-1"); }
  const StatusChange& Last() { return log_.transitions.back(); }

  std::shared_ptr<ManualClock> clock_;
  TransitionLog log_;
  HealthRegistry registry_;
};

TEST_F(MaintenanceTest, ShowsMaintenanceWithTheReasonAsOneTransition) {
  ASSERT_TRUE(registry_.StartMaintenance("billing", "b-1", clock_->Now() + minutes(30), "kernel"));
  EXPECT_EQ(Get().status, Status::kMaintenance);
  EXPECT_EQ(Last().from, Status::kServing);
  EXPECT_EQ(Last().to, Status::kMaintenance);
  EXPECT_EQ(Last().detail, "kernel");
}

TEST_F(MaintenanceTest, RefusesAnUnknownInstance) {
  EXPECT_FALSE(registry_.StartMaintenance("billing", "nope", clock_->Now() + minutes(1), ""));
  EXPECT_FALSE(registry_.EndMaintenance("billing", "b-1"));
}

TEST_F(MaintenanceTest, KeepsReportsAsideWithoutTransitionsUntilItEnds) {
  registry_.StartMaintenance("billing", "b-1", clock_->Now() + minutes(30), "deploy");
  const size_t before = log_.transitions.size();
  Report(Status::kNotServing);
  EXPECT_EQ(Get().status, Status::kMaintenance);
  EXPECT_EQ(log_.transitions.size(), before);
  ASSERT_TRUE(registry_.EndMaintenance("billing", "b-1"));
  EXPECT_EQ(Get().status, Status::kNotServing);
  EXPECT_EQ(Last().from, Status::kMaintenance);
  EXPECT_FALSE(Get().maintenance);
}

TEST_F(MaintenanceTest, EndsByItselfAtUntilOnTheSweep) {
  const TimePoint until = clock_->Now() + minutes(30);
  registry_.StartMaintenance("billing", "b-1", until, "deploy");
  clock_->Advance(minutes(29));
  registry_.Sweep();
  EXPECT_EQ(Get().status, Status::kMaintenance);
  clock_->Advance(minutes(1));
  registry_.Sweep();
  EXPECT_EQ(Get().status, Status::kServing);
  EXPECT_EQ(Last().time, until);
}

TEST_F(MaintenanceTest, ComesBackStaleWhenItsTtlLapsedMeanwhile) {
  registry_.StartMaintenance("billing", "b-1", clock_->Now() + minutes(90), "long");
  clock_->Advance(minutes(61));
  registry_.Sweep();
  EXPECT_EQ(Get().status, Status::kMaintenance);  // no STALE while in maintenance
  clock_->Advance(minutes(30));
  registry_.Sweep();
  EXPECT_EQ(Get().status, Status::kStale);
}

TEST_F(MaintenanceTest, ASecondStartMovesTheEndWithoutANewTransition) {
  registry_.StartMaintenance("billing", "b-1", clock_->Now() + minutes(5), "a");
  const size_t before = log_.transitions.size();
  registry_.StartMaintenance("billing", "b-1", clock_->Now() + minutes(50), "b");
  EXPECT_EQ(log_.transitions.size(), before);
  EXPECT_EQ(Get().maintenance->reason, "b");
  clock_->Advance(minutes(10));
  registry_.Sweep();
  EXPECT_EQ(Get().status, Status::kMaintenance);
}

TEST_F(MaintenanceTest, DoesNotMakeTheServiceLookWorse) {
  registry_.StartMaintenance("billing", "b-1", clock_->Now() + minutes(5), "");
  auto services = registry_.Services();
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0].worst, Status::kMaintenance);
  EXPECT_LT(Severity(Status::kMaintenance), Severity(Status::kUnknown));
  EXPECT_EQ(services[0].counts[Status::kMaintenance], 1u);
}

}  // namespace
}  // namespace fleetgate::health
