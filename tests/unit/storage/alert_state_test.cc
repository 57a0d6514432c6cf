#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "storage/rule_store.h"
#include "writer_fixture.h"

namespace fleetgate::storage {
namespace {

using std::chrono::milliseconds;

AlertStateRecord Pending(std::string labels_json, TimePoint active_at, double value = 1) {
  return AlertStateRecord{std::move(labels_json), kAlertPending, active_at,
                          std::nullopt,           std::nullopt,  value};
}

class AlertStateTest : public WriterTest {
 protected:
  void Write(const std::vector<AlertStates>& states) {
    HistoryWriter& writer = writer_ ? *writer_ : StartWriter();
    for (const AlertStates& s : states) ASSERT_TRUE(writer.Enqueue(s));
    writer.Flush();
  }

  std::vector<AlertStates> Load() {
    Result<std::vector<AlertStates>> states = Reader().LoadAlertStates();
    EXPECT_TRUE(states.ok()) << states.error().message;
    return states.ok() ? states.value() : std::vector<AlertStates>{};
  }
};

// "rule:labels:state" per stored alert, in load order.
std::vector<std::string> Summary(const std::vector<AlertStates>& states) {
  std::vector<std::string> out;
  for (const AlertStates& rule : states) {
    for (const AlertStateRecord& a : rule.alerts)
      out.push_back(rule.rule + ":" + a.labels_json + ":" + a.state);
  }
  return out;
}

TEST_F(AlertStateTest, LoadsNothingFromAnEmptyDatabase) { EXPECT_TRUE(Load().empty()); }

TEST_F(AlertStateTest, RoundTripsEveryField) {
  AlertStateRecord firing{
      R"({"instance":"pod-1"})",      kAlertFiring, TimePoint(milliseconds(1500)),
      TimePoint(milliseconds(61500)), std::nullopt, 0.25};
  AlertStateRecord resolved{R"({"instance":"pod-2"})", kAlertResolved, At(1), At(2), At(3), -4};
  Write({AlertStates{"InstanceDown", {firing, resolved}}});

  std::vector<AlertStates> states = Load();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].rule, "InstanceDown");
  ASSERT_EQ(states[0].alerts.size(), 2u);
  const AlertStateRecord& a = states[0].alerts[0];
  EXPECT_EQ(a.labels_json, firing.labels_json);
  EXPECT_EQ(a.state, kAlertFiring);
  EXPECT_EQ(a.active_at, firing.active_at);
  EXPECT_EQ(a.fired_at, firing.fired_at);
  EXPECT_FALSE(a.resolved_at.has_value());
  EXPECT_EQ(a.value, 0.25);
  const AlertStateRecord& b = states[0].alerts[1];
  EXPECT_EQ(b.resolved_at, At(3));
  EXPECT_EQ(b.value, -4);
}

TEST_F(AlertStateTest, ANaNValueIsStoredAndReadBackAsNaN) {
  Write({AlertStates{"r", {Pending("{}", At(1), std::numeric_limits<double>::quiet_NaN())}}});
  std::vector<AlertStates> states = Load();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_TRUE(std::isnan(states[0].alerts[0].value));
}

TEST_F(AlertStateTest, EachWriteReplacesAllOfItsRulesAlertsAndNoOtherRules) {
  Write({AlertStates{"b", {Pending("x", At(1)), Pending("y", At(1))}},
         AlertStates{"a", {Pending("z", At(1))}}});
  AlertStateRecord y = Pending("y", At(1));
  y.state = kAlertFiring;
  Write({AlertStates{"b", {y, Pending("w", At(2))}}});

  EXPECT_EQ(Summary(Load()),
            (std::vector<std::string>{"a:z:pending", "b:w:pending", "b:y:firing"}));
}

TEST_F(AlertStateTest, AnEmptyListDeletesTheRulesAlerts) {
  Write({AlertStates{"a", {Pending("x", At(1))}}, AlertStates{"b", {Pending("x", At(1))}}});
  Write({AlertStates{"a", {}}, AlertStates{"never-stored", {}}});
  EXPECT_EQ(Summary(Load()), (std::vector<std::string>{"b:x:pending"}));
}

TEST_F(AlertStateTest, ALabelSetRepeatedInOneWriteKeepsTheLast) {
  AlertStateRecord firing = Pending("x", At(1));
  firing.state = kAlertFiring;
  Write({AlertStates{"a", {Pending("x", At(1)), firing}}});
  EXPECT_EQ(Summary(Load()), (std::vector<std::string>{"a:x:firing"}));
}

TEST_F(AlertStateTest, WritesApplyInQueueOrderWithinABatch) {
  HistoryWriter& writer = StartWriter();
  writer.Enqueue(AlertStates{"a", {Pending("1", At(1))}});
  writer.Enqueue(AlertStates{"a", {}});
  writer.Enqueue(AlertStates{"a", {Pending("3", At(3))}});
  writer.Flush();  // one transaction
  EXPECT_EQ(Summary(Load()), (std::vector<std::string>{"a:3:pending"}));
}

TEST_F(AlertStateTest, StatesRulesAndHistorySurviveARestart) {
  {
    RuleStore rules(*database_, registry_);
    ASSERT_TRUE(rules.Insert("HighQueue", R"({"kind":"metric"})", At(1)).ok());
  }
  AlertStateRecord firing{"{}", kAlertFiring, At(5), At(65), std::nullopt, 120};
  Write({AlertStates{"HighQueue", {firing}}});
  writer_->Enqueue(AlertTransition{"HighQueue", "{}", kAlertPending, kAlertFiring, 120, At(65)});
  writer_->Stop();
  writer_.reset();
  reader_.reset();
  database_.reset();

  database_ = std::make_unique<Database>(Options());
  RuleStore rules(*database_, registry_);
  EXPECT_EQ(rules.Get("HighQueue").value().definition_json, R"({"kind":"metric"})");
  std::vector<AlertStates> states = Load();
  ASSERT_EQ(states.size(), 1u);
  ASSERT_EQ(states[0].alerts.size(), 1u);
  EXPECT_EQ(states[0].alerts[0].state, kAlertFiring);
  EXPECT_EQ(states[0].alerts[0].fired_at, At(65));
  Result<AlertHistoryPage> history = Reader().QueryAlertHistory({});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history.value().transitions.size(), 1u);
  EXPECT_EQ(history.value().transitions[0].to, kAlertFiring);
}

}  // namespace
}  // namespace fleetgate::storage
