#include "alerts/alert_state.h"

#include <gtest/gtest.h>

namespace fleetgate::alerts {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const LabelSet kA{{"instance", "a"}};
const LabelSet kB{{"instance", "b"}};

class ActiveAlertsTest : public testing::Test {
 protected:
  // One evaluation at the clock's time, then the clock moves on by the evaluation interval.
  std::vector<StateChange> Eval(ActiveAlerts& alerts, std::vector<Sample> samples) {
    auto changes = alerts.Update(samples, clock_.Now());
    clock_.Advance(seconds(15));
    return changes;
  }

  static std::vector<AlertEvent> Events(const std::vector<StateChange>& changes) {
    std::vector<AlertEvent> out;
    for (const auto& c : changes) out.push_back(c.event);
    return out;
  }

  ManualClock clock_{TimePoint(seconds(1'000'000))};
};

using E = std::vector<AlertEvent>;

TEST_F(ActiveAlertsTest, GoesPendingThenFiringAfterFor) {
  ActiveAlerts alerts(minutes(1));
  TimePoint start = clock_.Now();
  auto first = Eval(alerts, {{kA, 5}});
  ASSERT_EQ(Events(first), E{AlertEvent::kPending});
  EXPECT_EQ(first[0].labels, kA);
  EXPECT_EQ(first[0].value, 5);
  EXPECT_EQ(first[0].at, start);
  EXPECT_EQ(Events(Eval(alerts, {{kA, 6}})), E{});  // 15s
  EXPECT_EQ(Events(Eval(alerts, {{kA, 7}})), E{});  // 30s
  EXPECT_EQ(Events(Eval(alerts, {{kA, 8}})), E{});  // 45s
  ASSERT_EQ(alerts.Alerts().size(), 1u);
  EXPECT_EQ(alerts.Alerts()[0].state, AlertState::kPending);
  EXPECT_EQ(alerts.Alerts()[0].value, 8);
  auto fire = Eval(alerts, {{kA, 9}});  // 60s: active for exactly `for`
  EXPECT_EQ(Events(fire), E{AlertEvent::kFiring});
  Alert alert = alerts.Alerts()[0];
  EXPECT_EQ(alert.state, AlertState::kFiring);
  EXPECT_EQ(alert.active_at, start);
  EXPECT_EQ(alert.fired_at, start + minutes(1));
  EXPECT_EQ(alert.value, 9);
}

TEST_F(ActiveAlertsTest, FiresOnTheFirstEvaluationWhenForIsZero) {
  ActiveAlerts alerts(seconds(0));
  TimePoint start = clock_.Now();
  EXPECT_EQ(Events(Eval(alerts, {{kA, 1}})), E{AlertEvent::kFiring});
  EXPECT_EQ(alerts.Alerts()[0].active_at, start);
  EXPECT_EQ(alerts.Alerts()[0].fired_at, start);
  EXPECT_EQ(Events(Eval(alerts, {{kA, 1}})), E{});
  EXPECT_EQ(Events(Eval(alerts, {})), E{AlertEvent::kResolved});
}

TEST_F(ActiveAlertsTest, DropsAPendingAlertWhoseSeriesDisappears) {
  ActiveAlerts alerts(minutes(5));
  Eval(alerts, {{kA, 1}});
  EXPECT_EQ(Events(Eval(alerts, {})), E{AlertEvent::kDropped});
  EXPECT_TRUE(alerts.Alerts().empty());
}

TEST_F(ActiveAlertsTest, FlappingWhilePendingRestartsTheForClock) {
  ActiveAlerts alerts(seconds(30));
  Eval(alerts, {{kA, 1}});                                       // t=0 pending
  Eval(alerts, {{kA, 1}});                                       // t=15
  EXPECT_EQ(Events(Eval(alerts, {})), E{AlertEvent::kDropped});  // t=30 gone
  TimePoint restart = clock_.Now();
  EXPECT_EQ(Events(Eval(alerts, {{kA, 1}})), E{AlertEvent::kPending});  // t=45
  EXPECT_EQ(alerts.Alerts()[0].active_at, restart);
  EXPECT_EQ(Events(Eval(alerts, {{kA, 1}})), E{});                     // t=60: only 15s
  EXPECT_EQ(Events(Eval(alerts, {{kA, 1}})), E{AlertEvent::kFiring});  // t=75: 30s
}

TEST_F(ActiveAlertsTest, ResolvesAFiringAlertAndKeepsItForRetention) {
  ActiveAlerts alerts(seconds(0), minutes(15));
  Eval(alerts, {{kA, 3}});
  TimePoint resolved_at = clock_.Now();
  auto resolved = Eval(alerts, {});
  ASSERT_EQ(Events(resolved), E{AlertEvent::kResolved});
  EXPECT_EQ(resolved[0].value, 3);
  ASSERT_EQ(alerts.Alerts().size(), 1u);
  EXPECT_EQ(alerts.Alerts()[0].state, AlertState::kInactive);
  EXPECT_EQ(alerts.Alerts()[0].resolved_at, resolved_at);
  clock_.Set(resolved_at + minutes(15));
  EXPECT_EQ(Events(Eval(alerts, {})), E{});
  EXPECT_EQ(alerts.Alerts().size(), 1u) << "kept while not older than retention";
  EXPECT_EQ(Events(Eval(alerts, {})), E{});
  EXPECT_TRUE(alerts.Alerts().empty()) << "forgotten after retention, silently";
}

TEST_F(ActiveAlertsTest, FlappingAfterResolutionStartsAFreshAlert) {
  ActiveAlerts alerts(seconds(30));
  Eval(alerts, {{kA, 1}});                                        // t=0 pending
  Eval(alerts, {{kA, 1}});                                        // t=15
  Eval(alerts, {{kA, 1}});                                        // t=30 firing
  EXPECT_EQ(Events(Eval(alerts, {})), E{AlertEvent::kResolved});  // t=45
  TimePoint again = clock_.Now();
  EXPECT_EQ(Events(Eval(alerts, {{kA, 2}})), E{AlertEvent::kPending});  // t=60
  Alert alert = alerts.Alerts()[0];
  EXPECT_EQ(alert.state, AlertState::kPending);
  EXPECT_EQ(alert.active_at, again);
  EXPECT_FALSE(alert.fired_at.has_value());
  EXPECT_FALSE(alert.resolved_at.has_value());
}

TEST_F(ActiveAlertsTest, TracksEachLabelSetOnItsOwn) {
  ActiveAlerts alerts(seconds(15));
  EXPECT_EQ(Events(Eval(alerts, {{kA, 1}})), E{AlertEvent::kPending});
  auto both = Eval(alerts, {{kA, 1}, {kB, 2}});
  ASSERT_EQ(Events(both), (E{AlertEvent::kFiring, AlertEvent::kPending}));
  EXPECT_EQ(both[0].labels, kA);
  EXPECT_EQ(both[1].labels, kB);
  auto swap = Eval(alerts, {{kB, 2}});
  ASSERT_EQ(Events(swap), (E{AlertEvent::kResolved, AlertEvent::kFiring}));
  EXPECT_EQ(swap[0].labels, kA);
  EXPECT_EQ(swap[1].labels, kB);
}

TEST_F(ActiveAlertsTest, NamesStatesAndEvents) {
  EXPECT_EQ(ToString(AlertState::kFiring), "firing");
  EXPECT_EQ(ToString(AlertState::kPending), "pending");
  EXPECT_EQ(ToString(AlertState::kInactive), "inactive");
  EXPECT_EQ(ToString(AlertEvent::kResolved), "resolved");
  EXPECT_EQ(ToString(AlertEvent::kDropped), "dropped");
}

}  // namespace
}  // namespace fleetgate::alerts
