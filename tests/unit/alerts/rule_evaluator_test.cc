#include "alerts/rule_evaluator.h"

#include <gtest/gtest.h>

#include "evaluator_fixture.h"

namespace fleetgate::alerts {
namespace {

using nlohmann::json;
using std::chrono::minutes;
using std::chrono::seconds;

const json kHighQueue = {
    {"name", "HighQueue"},
    {"kind", "metric"},
    {"metric",
     {{"name", "queue_depth"},
      {"matchers", {{{"label", "service"}, {"op", "="}, {"value", "billing"}}}},
      {"aggregation", "max"},
      {"by", {"service"}}}},
    {"op", ">"},
    {"threshold", 100},
    {"for", "30s"},
    {"labels", {{"severity", "warning"}}},
    {"annotations", {{"summary", "queue of {{ $labels.service }} is {{ $value }}"}}}};

json WithFor(json rule, const std::string& duration) {
  rule["for"] = duration;
  return rule;
}

class RuleEvaluatorTest : public AlertingFixture {
 protected:
  void Queue(double depth, const std::string& instance = "i-1") {
    ASSERT_TRUE(
        store_.Apply(metrics::MetricKind::kGauge, "queue_depth", "billing", instance, {}, depth)
            .ok());
  }
  void AddRule(const json& rule) { ASSERT_TRUE(rules_->Create(ParseOrDie(rule)).ok()); }

  std::vector<AlertState> States() {
    std::vector<AlertState> out;
    for (const auto& alert : evaluator_->Alerts()) out.push_back(alert.state);
    return out;
  }
  double Metric(const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    return storage::MetricValue(*self_, name, labels);
  }
};

TEST_F(RuleEvaluatorTest, GoesPendingThenFiringAfterForThenResolves) {
  AddRule(kHighQueue);
  Queue(150);
  const TimePoint start = clock_->Now();
  Tick();
  EXPECT_EQ(States(), std::vector<AlertState>{AlertState::kPending});
  EXPECT_TRUE(notifier_.Take().empty());  // pending alerts are not sent
  Tick();
  Tick();  // 30 s after activeAt
  ASSERT_EQ(States(), std::vector<AlertState>{AlertState::kFiring});

  auto sent = notifier_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(
      sent[0].labels,
      (LabelSet{{"alertname", "HighQueue"}, {"service", "billing"}, {"severity", "warning"}}));
  EXPECT_EQ(sent[0].annotations.at("summary"), "queue of billing is 150");
  EXPECT_EQ(sent[0].starts_at, start + seconds(30));
  EXPECT_EQ(sent[0].ends_at, start + seconds(30) + 4 * minutes(1));  // valid for 4 resends
  EXPECT_EQ(sent[0].generator_url, "http://fleetgate:8080/api/v1/rules/HighQueue");
  auto view = evaluator_->Alerts();
  EXPECT_EQ(view[0].active_at, start);
  EXPECT_EQ(view[0].value, 150);

  Queue(50);
  const TimePoint resolved_at = clock_->Now();
  Tick();
  EXPECT_TRUE(evaluator_->Alerts().empty());
  sent = notifier_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ends_at, resolved_at);

  auto history = History();
  ASSERT_EQ(history.size(), 3u);  // newest first
  EXPECT_EQ(history[0].from + ">" + history[0].to, "firing>resolved");
  EXPECT_EQ(history[1].from + ">" + history[1].to, "pending>firing");
  EXPECT_EQ(history[2].from + ">" + history[2].to, "inactive>pending");
  EXPECT_EQ(json::parse(history[1].labels_json)["alertname"], "HighQueue");
  EXPECT_EQ(history[1].value, 150);
}

TEST_F(RuleEvaluatorTest, FiresOnTheFirstEvaluationWhenForIsZero) {
  AddRule(WithFor(kHighQueue, "0s"));
  Queue(101);
  Tick();
  EXPECT_EQ(States(), std::vector<AlertState>{AlertState::kFiring});
  EXPECT_EQ(notifier_.Take().size(), 1u);
  auto history = History();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].from + ">" + history[0].to, "inactive>firing");
}

TEST_F(RuleEvaluatorTest, DropsAPendingAlertWithoutNotifying) {
  AddRule(kHighQueue);
  Queue(150);
  Tick();
  Queue(10);
  Tick();
  EXPECT_TRUE(evaluator_->Alerts().empty());
  EXPECT_TRUE(notifier_.Take().empty());
  EXPECT_EQ(History()[0].from + ">" + History()[0].to, "pending>inactive");
}

TEST_F(RuleEvaluatorTest, ResendsAFiringAlertEveryResendDelay) {
  AddRule(WithFor(kHighQueue, "0s"));
  Queue(150);
  Tick();
  EXPECT_EQ(notifier_.Take().size(), 1u);
  for (int i = 0; i < 3; ++i) Tick();  // 45 s: not yet
  EXPECT_TRUE(notifier_.Take().empty());
  Tick();  // 60 s
  EXPECT_EQ(notifier_.Take().size(), 1u);
}

TEST_F(RuleEvaluatorTest, AggregatesByLabelAndComparesEachGroup) {
  json rule = WithFor(kHighQueue, "0s");
  rule["metric"]["aggregation"] = "sum";
  rule["metric"]["matchers"] = json::array();
  AddRule(rule);
  Queue(60, "i-1");
  Queue(60, "i-2");
  ASSERT_TRUE(
      store_.Apply(metrics::MetricKind::kGauge, "queue_depth", "search", "s-1", {}, 20).ok());
  Tick();
  auto alerts = evaluator_->Alerts();
  ASSERT_EQ(alerts.size(), 1u);  // billing sums to 120, search stays at 20
  EXPECT_EQ(alerts[0].labels.at("service"), "billing");
  EXPECT_EQ(alerts[0].value, 120);
}

TEST_F(RuleEvaluatorTest, RateRuleFiresOnTheIncreasePerSecond) {
  AddRule(
      {{"name", "ErrorRate"},
       {"kind", "metric"},
       {"metric",
        {{"name", "errors_total"}, {"aggregation", "rate"}, {"window", "1m"}, {"by", {"service"}}}},
       {"op", ">"},
       {"threshold", 0.5},
       {"for", "0s"}});
  auto errors = [&](double delta) {
    ASSERT_TRUE(
        store_.Apply(metrics::MetricKind::kCounter, "errors_total", "billing", "i-1", {}, delta)
            .ok());
  };
  errors(1);
  Tick();  // one sample: no rate yet
  EXPECT_TRUE(evaluator_->Alerts().empty());
  errors(5);  // 5 in 15 s: 0.33/s
  Tick();
  EXPECT_TRUE(evaluator_->Alerts().empty());
  errors(20);  // 25 in 30 s: 0.83/s
  Tick();
  auto alerts = evaluator_->Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NEAR(alerts[0].value, 25.0 / 30, 1e-9);
}

TEST_F(RuleEvaluatorTest, HealthRuleAlertsPerInstanceNotServing) {
  AddRule({{"name", "InstanceDown"},
           {"kind", "health"},
           {"health", {{"service", "billing"}, {"condition", "instance_not_serving"}}},
           {"for", "0s"},
           {"labels", {{"severity", "critical"}}},
           {"annotations", {{"summary", "{{ $labels.instance }} is down"}}}});
  registry_.Report("billing", "b-1", "1.0", {health::Status::kServing, "", {}, seconds(0)});
  registry_.Report("billing", "b-2", "1.0",
                   {health::Status::kNotServing, "db down", {}, seconds(0)});
  Tick();
  auto alerts = evaluator_->Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].labels.at("instance"), "b-2");
  EXPECT_EQ(alerts[0].annotations.at("summary"), "b-2 is down");
  EXPECT_EQ(Metric("fleetgate_alerts", {{"alertname", "InstanceDown"}, {"state", "firing"}}), 1);
  auto status = evaluator_->Status("InstanceDown");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->health, "ok");
  EXPECT_EQ(status->state, AlertState::kFiring);
  EXPECT_EQ(status->last_evaluation, clock_->Now() - kInterval);
}

TEST_F(RuleEvaluatorTest, ARuleOverItsAlertLimitFailsAndKeepsItsAlerts) {
  EvaluatorOptions options;
  options.max_alerts_per_rule = 2;
  evaluator_ = std::make_unique<RuleEvaluator>(options, *rules_, store_, registry_, *writer_,
                                               &notifier_, clock_, *self_);
  json rule = WithFor(kHighQueue, "0s");
  rule["metric"]["by"] = {"instance"};
  AddRule(rule);
  Queue(150, "i-1");
  Queue(150, "i-2");
  Tick();
  ASSERT_EQ(evaluator_->Alerts().size(), 2u);
  notifier_.Take();
  Queue(150, "i-3");
  Tick();
  auto status = evaluator_->Status("HighQueue");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->health, "err");
  EXPECT_EQ(status->last_error,
            "exceeded the limit of 2 alerts with 3 (alerting.max_alerts_per_rule)");
  EXPECT_EQ(evaluator_->Alerts().size(), 2u);  // unchanged, still re-sent in time
  EXPECT_EQ(Metric("fleetgate_rule_evaluation_failures_total"), 1);
  Queue(10, "i-3");
  Tick();
  EXPECT_EQ(evaluator_->Status("HighQueue")->health, "ok");
  EXPECT_EQ(evaluator_->Status("HighQueue")->last_error, "");
}

TEST_F(RuleEvaluatorTest, DeletingARuleResolvesItsFiringAlerts) {
  AddRule(WithFor(kHighQueue, "0s"));
  Queue(150);
  Tick();
  notifier_.Take();
  ASSERT_TRUE(rules_->Delete("HighQueue").ok());
  Tick();
  auto sent = notifier_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].ends_at.has_value());
  EXPECT_TRUE(evaluator_->Alerts().empty());
  EXPECT_FALSE(evaluator_->Status("HighQueue"));
  EXPECT_EQ(Metric("fleetgate_alerts", {{"alertname", "HighQueue"}, {"state", "firing"}}), -1);
  EXPECT_EQ(History()[0].to, "resolved");
  auto states = reader_->LoadAlertStates();
  ASSERT_TRUE(states.ok());
  EXPECT_TRUE(states.value().empty());
}

TEST_F(RuleEvaluatorTest, AFiringAlertKeepsFiringAcrossARestart) {
  AddRule(kHighQueue);
  Queue(150);
  for (int i = 0; i < 3; ++i) Tick();
  auto before = evaluator_->Alerts();
  ASSERT_EQ(States(), std::vector<AlertState>{AlertState::kFiring});
  auto first = notifier_.Take();
  ASSERT_EQ(first.size(), 1u);
  writer_->Flush();

  Open();  // a new process on the same database
  auto states = reader_->LoadAlertStates();
  ASSERT_TRUE(states.ok());
  evaluator_->Restore(states.value());
  Tick();
  ASSERT_EQ(States(), std::vector<AlertState>{AlertState::kFiring});
  EXPECT_EQ(evaluator_->Alerts()[0].active_at, before[0].active_at);
  auto resent = notifier_.Take();
  ASSERT_EQ(resent.size(), 1u);  // a re-send of the same alert, same startsAt
  EXPECT_EQ(resent[0].starts_at, first[0].starts_at);
  int firing = 0;
  for (const auto& t : History()) firing += t.to == "firing";
  EXPECT_EQ(firing, 1);
}

// A takeover (high availability): what PostgreSQL holds replaces what this replica held.
TEST_F(RuleEvaluatorTest, RestoreReplacesTheAlertsHeldSoFar) {
  AddRule(kHighQueue);
  Queue(150);
  for (int i = 0; i < 3; ++i) Tick();
  ASSERT_EQ(States(), std::vector<AlertState>{AlertState::kFiring});
  evaluator_->Restore({});  // the leader meanwhile stored no active alert
  EXPECT_TRUE(evaluator_->Alerts().empty());
  Tick();
  EXPECT_EQ(States(), std::vector<AlertState>{AlertState::kPending});
}

TEST_F(RuleEvaluatorTest, APausedEvaluatorResumesWhenStartedAgain) {
  AddRule(kHighQueue);
  evaluator_->Start();
  EXPECT_TRUE(storage::PollUntil([&] { return Metric("fleetgate_rule_evaluations_total") == 1; }));
  evaluator_->Pause();
  EXPECT_EQ(Metric("fleetgate_rule_evaluations_total"), 1);
  evaluator_->Start();  // evaluates at once again
  EXPECT_TRUE(storage::PollUntil([&] { return Metric("fleetgate_rule_evaluations_total") == 2; }));
  evaluator_->Stop();
}

TEST_F(RuleEvaluatorTest, CountsEvaluationsAndTheirDuration) {
  AddRule(kHighQueue);
  Tick();
  Tick();
  EXPECT_EQ(Metric("fleetgate_rule_evaluations_total"), 2);
  EXPECT_EQ(Metric("fleetgate_rule_evaluation_failures_total"), 0);
  EXPECT_EQ(Metric("fleetgate_rule_evaluation_duration_seconds"), 2);
}

TEST_F(RuleEvaluatorTest, ARunningEvaluatorEvaluatesAtOnceAndStopsPromptly) {
  AddRule(WithFor(kHighQueue, "0s"));
  Queue(150);
  evaluator_->Start();
  EXPECT_TRUE(storage::PollUntil([&] { return !evaluator_->Alerts().empty(); }));
  evaluator_->Stop();
}

TEST_F(RuleEvaluatorTest, StoppingDoesNotEvaluateOnceMore) {
  AddRule(kHighQueue);
  evaluator_->Start();
  EXPECT_TRUE(storage::PollUntil([&] { return Metric("fleetgate_rule_evaluations_total") == 1; }));
  evaluator_->Stop();
  evaluator_->Stop();  // idempotent
  EXPECT_EQ(Metric("fleetgate_rule_evaluations_total"), 1);
}

}  // namespace
}  // namespace fleetgate::alerts
