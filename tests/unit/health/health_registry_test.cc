#include "health/health_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fleetgate::health {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

class RecordingSink : public TransitionSink {
 public:
  void OnTransition(const StatusChange& transition, const Instance*) override {
    transitions.push_back(transition);
  }
  void OnForgotten(const Instance& instance) override { forgotten.push_back(instance.instance); }
  std::vector<StatusChange> transitions;
  std::vector<std::string> forgotten;
};

class HealthRegistryTest : public ::testing::Test {
 protected:
  HealthRegistryTest()
      : clock_(std::make_shared<ManualClock>(TimePoint(seconds(1'000'000)))),
        registry_(Options(), clock_, &sink_) {}

  static RegistryOptions Options() {
    RegistryOptions options;
    options.default_ttl = seconds(30);
    options.forget_after = hours(24);
    return options;
  }

  void ReportStatus(std::string_view instance, Status status, seconds ttl = seconds(0)) {
    registry_.Report("billing", instance, "1.2.3", HealthReport{status, "detail", {}, ttl});
  }

  Status StatusOf(std::string_view instance) {
    auto found = registry_.Find("billing", instance);
    EXPECT_TRUE(found);
    return found ? found->status : Status::kUnknown;
  }

  std::shared_ptr<ManualClock> clock_;
  RecordingSink sink_;
  HealthRegistry registry_;
};

TEST_F(HealthRegistryTest, KnowsAnInstanceFromItsFirstEvent) {
  registry_.Seen("billing", "i-1", "1.0");
  auto found = registry_.Find("billing", "i-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, Status::kUnknown);
  EXPECT_EQ(found->version, "1.0");
  ASSERT_EQ(sink_.transitions.size(), 1u);
  EXPECT_FALSE(sink_.transitions[0].from);
  EXPECT_EQ(sink_.transitions[0].to, Status::kUnknown);
}

TEST_F(HealthRegistryTest, RegistersNoNewInstanceBeyondItsCapsAndFreesASlotWhenOneLeaves) {
  RegistryOptions options = Options();
  options.max_instances = 2;
  options.max_instances_per_service = 1;
  HealthRegistry capped(options, clock_, &sink_);
  EXPECT_TRUE(capped.Seen("billing", "i-1", ""));
  EXPECT_FALSE(capped.Seen("billing", "i-2", ""));
  EXPECT_FALSE(capped.Report("billing", "i-2", "", HealthReport{Status::kServing, "", {}, {}}));
  EXPECT_TRUE(capped.Seen("search", "i-1", ""));
  EXPECT_FALSE(capped.Seen("payments", "i-1", ""));
  EXPECT_TRUE(capped.Seen("billing", "i-1", ""));  // known: still seen
  EXPECT_EQ(capped.size(), 2u);
  EXPECT_EQ(capped.Services().size(), 2u);  // no empty service left behind
  ASSERT_TRUE(capped.Deregister("search", "i-1"));
  EXPECT_TRUE(capped.Seen("payments", "i-1", ""));
}

TEST_F(HealthRegistryTest, HealthReportSetsStatusAndEmitsOneTransitionPerChange) {
  ReportStatus("i-1", Status::kServing);
  ReportStatus("i-1", Status::kServing);
  ReportStatus("i-1", Status::kDegraded);
  EXPECT_EQ(StatusOf("i-1"), Status::kDegraded);
  ASSERT_EQ(sink_.transitions.size(), 2u);  // first sighting as SERVING, ->DEGRADED
  EXPECT_EQ(sink_.transitions[1].from, Status::kServing);
  EXPECT_EQ(sink_.transitions[1].to, Status::kDegraded);
}

TEST_F(HealthRegistryTest, ANewInstancesFirstReportIsOneFirstSightingWithTheReportedStatus) {
  ReportStatus("i-1", Status::kServing);
  ASSERT_EQ(sink_.transitions.size(), 1u);
  EXPECT_FALSE(sink_.transitions[0].from);
  EXPECT_EQ(sink_.transitions[0].to, Status::kServing);
  EXPECT_EQ(sink_.transitions[0].detail, "detail");
  EXPECT_EQ(StatusOf("i-1"), Status::kServing);
}

TEST_F(HealthRegistryTest, StatusSinceMarksWhenTheStatusBegan) {
  ReportStatus("i-1", Status::kServing);
  TimePoint began = clock_->Now();
  clock_->Advance(seconds(10));
  ReportStatus("i-1", Status::kServing);
  auto found = registry_.Find("billing", "i-1");
  EXPECT_EQ(found->status_since, began);
  EXPECT_EQ(found->last_seen, clock_->Now());
}

TEST_F(HealthRegistryTest, LapsesToStaleAfterTtl) {
  ReportStatus("i-1", Status::kServing, seconds(10));
  clock_->Advance(seconds(9));
  registry_.Sweep();
  EXPECT_EQ(StatusOf("i-1"), Status::kServing);
  clock_->Advance(seconds(2));
  registry_.Sweep();
  EXPECT_EQ(StatusOf("i-1"), Status::kStale);
  // The lapse is dated when the TTL ran out, not when the sweep noticed.
  EXPECT_EQ(registry_.Find("billing", "i-1")->status_since, clock_->Now() - seconds(1));
  EXPECT_EQ(sink_.transitions.back().to, Status::kStale);
}

TEST_F(HealthRegistryTest, UsesDefaultTtlWhenNoneGiven) {
  ReportStatus("i-1", Status::kServing);
  clock_->Advance(seconds(29));
  registry_.Sweep();
  EXPECT_EQ(StatusOf("i-1"), Status::kServing);
  clock_->Advance(seconds(1));
  registry_.Sweep();
  EXPECT_EQ(StatusOf("i-1"), Status::kStale);
}

TEST_F(HealthRegistryTest, MetricEventsDoNotRenewAHealthTtl) {
  ReportStatus("i-1", Status::kServing, seconds(10));
  clock_->Advance(seconds(8));
  registry_.Seen("billing", "i-1", "");
  clock_->Advance(seconds(3));
  registry_.Sweep();
  EXPECT_EQ(StatusOf("i-1"), Status::kStale);
}

TEST_F(HealthRegistryTest, ReturnsFromStaleOnTheNextReport) {
  ReportStatus("i-1", Status::kServing, seconds(10));
  clock_->Advance(seconds(11));
  registry_.Sweep();
  ReportStatus("i-1", Status::kServing, seconds(10));
  EXPECT_EQ(StatusOf("i-1"), Status::kServing);
  EXPECT_EQ(sink_.transitions.back().from, Status::kStale);
}

TEST_F(HealthRegistryTest, InstancesWithoutHealthStayAliveWhileSendingEvents) {
  registry_.Seen("billing", "i-1", "");
  clock_->Advance(seconds(25));
  registry_.Seen("billing", "i-1", "");
  clock_->Advance(seconds(25));
  registry_.Sweep();
  EXPECT_EQ(StatusOf("i-1"), Status::kUnknown);
  clock_->Advance(seconds(31));
  registry_.Sweep();
  EXPECT_EQ(StatusOf("i-1"), Status::kStale);
}

TEST_F(HealthRegistryTest, ForgetsInstancesStaleForForgetAfter) {
  ReportStatus("i-1", Status::kServing, seconds(10));
  clock_->Advance(seconds(11));
  registry_.Sweep();
  clock_->Advance(hours(24));
  EXPECT_TRUE(sink_.forgotten.empty());
  registry_.Sweep();
  EXPECT_FALSE(registry_.Find("billing", "i-1"));
  EXPECT_TRUE(registry_.Services().empty());
  // Its persisted last state goes too (the recorder deletes it), without a transition.
  EXPECT_EQ(sink_.forgotten, std::vector<std::string>{"i-1"});
  EXPECT_EQ(sink_.transitions.back().to, Status::kStale);
}

TEST_F(HealthRegistryTest, CapsTtlAtMaximum) {
  RegistryOptions options = Options();
  options.max_ttl = seconds(60);
  HealthRegistry registry(options, clock_);
  registry.Report("billing", "i-1", "", HealthReport{Status::kServing, "", {}, seconds(3600)});
  EXPECT_EQ(registry.Find("billing", "i-1")->ttl, seconds(60));
}

TEST_F(HealthRegistryTest, DeregisterRemovesAndRecords) {
  ReportStatus("i-1", Status::kServing);
  EXPECT_TRUE(registry_.Deregister("billing", "i-1"));
  EXPECT_FALSE(registry_.Deregister("billing", "i-1"));
  EXPECT_FALSE(registry_.Find("billing", "i-1"));
  EXPECT_EQ(sink_.transitions.back().from, Status::kServing);
  EXPECT_FALSE(sink_.transitions.back().to);
}

TEST_F(HealthRegistryTest, SummarisesServicesWithWorstStatus) {
  ReportStatus("i-1", Status::kServing);
  ReportStatus("i-2", Status::kDegraded);
  registry_.Report("search", "s-1", "", HealthReport{Status::kServing, "", {}, seconds(0)});
  auto services = registry_.Services();
  ASSERT_EQ(services.size(), 2u);
  EXPECT_EQ(services[0].service, "billing");
  EXPECT_EQ(services[0].instances, 2u);
  EXPECT_EQ(services[0].counts.at(Status::kDegraded), 1u);
  EXPECT_EQ(services[0].counts.at(Status::kStale), 0u);
  EXPECT_EQ(services[0].worst, Status::kDegraded);
  EXPECT_EQ(services[1].worst, Status::kServing);
}

TEST_F(HealthRegistryTest, KeepsChecksAndDetail) {
  HealthReport report{
      Status::kDegraded, "db slow", {{"db", Status::kDegraded, "p99 2s"}}, seconds(0)};
  registry_.Report("billing", "i-1", "", report);
  auto found = registry_.Find("billing", "i-1");
  EXPECT_EQ(found->detail, "db slow");
  ASSERT_EQ(found->checks.size(), 1u);
  EXPECT_EQ(found->checks[0].name, "db");
}

TEST_F(HealthRegistryTest, RestoreBringsBackWithoutTransition) {
  Instance saved;
  saved.service = "billing";
  saved.instance = "i-9";
  saved.status = Status::kServing;
  registry_.Restore(saved);
  EXPECT_EQ(StatusOf("i-9"), Status::kServing);
  EXPECT_TRUE(sink_.transitions.empty());
}

TEST(StatusTest, NamesRoundTrip) {
  for (Status status : kAllStatuses) EXPECT_EQ(ParseStatus(StatusName(status)), status);
  EXPECT_FALSE(ParseStatus("serving"));
}

}  // namespace
}  // namespace fleetgate::health
