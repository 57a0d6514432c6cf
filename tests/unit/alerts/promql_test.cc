#include "alerts/promql.h"

#include <gtest/gtest.h>

namespace fleetgate::alerts {
namespace {

using std::chrono::minutes;

Rule MetricRule(Aggregation aggregation, std::vector<Matcher> matchers,
                std::vector<std::string> by = {"service"}) {
  Rule rule;
  rule.name = "R";
  rule.kind = RuleKind::kMetric;
  rule.metric.name = "queue_depth";
  rule.metric.matchers = std::move(matchers);
  rule.metric.aggregation = aggregation;
  rule.metric.by = std::move(by);
  rule.metric.window = minutes(5);
  rule.op = CompareOp::kGreater;
  rule.threshold = 100;
  return rule;
}

Rule HealthRule(HealthCondition condition, std::optional<std::string> service) {
  Rule rule;
  rule.name = "H";
  rule.kind = RuleKind::kHealth;
  rule.health.condition = condition;
  rule.health.service = std::move(service);
  rule.health.threshold = 0.5;
  return rule;
}

const Matcher kBilling{"service", MatchOp::kEqual, "billing"};

TEST(PromQLTest, RendersTheIssuesExample) {
  EXPECT_EQ(ToPromQL(MetricRule(Aggregation::kMax, {kBilling})),
            R"(max by (service) (queue_depth{service="billing"}) > 100)");
}

TEST(PromQLTest, RendersEachInstantAggregation) {
  for (auto [agg, text] : {std::pair{Aggregation::kSum, "sum"},
                           {Aggregation::kAvg, "avg"},
                           {Aggregation::kMin, "min"},
                           {Aggregation::kMax, "max"},
                           {Aggregation::kCount, "count"}}) {
    EXPECT_EQ(ToPromQL(MetricRule(agg, {kBilling})),
              std::string(text) + R"( by (service) (queue_depth{service="billing"}) > 100)");
  }
}

TEST(PromQLTest, RendersRateAsSumOfRateOverTheWindow) {
  Rule rule = MetricRule(Aggregation::kRate, {{"code", MatchOp::kRegexMatch, "5.."}});
  rule.metric.name = "http_requests_total";
  rule.threshold = 1;
  EXPECT_EQ(ToPromQL(rule), R"(sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) > 1)");
  rule.metric.window = std::chrono::seconds(90);
  rule.metric.by.clear();
  EXPECT_EQ(ToPromQL(rule), R"(sum(rate(http_requests_total{code=~"5.."}[1m30s])) > 1)");
}

TEST(PromQLTest, RendersEachMatcherOpAndSeveralByLabels) {
  Rule rule = MetricRule(Aggregation::kSum,
                         {{"a", MatchOp::kEqual, "1"},
                          {"b", MatchOp::kNotEqual, "2"},
                          {"c", MatchOp::kRegexMatch, "x|y"},
                          {"d", MatchOp::kRegexNoMatch, "z.*"}},
                         {"service", "region"});
  EXPECT_EQ(ToPromQL(rule),
            R"(sum by (service, region) (queue_depth{a="1",b!="2",c=~"x|y",d!~"z.*"}) > 100)");
}

TEST(PromQLTest, OmitsEmptyMatchersAndBy) {
  EXPECT_EQ(ToPromQL(MetricRule(Aggregation::kCount, {}, {})), "count(queue_depth) > 100");
}

TEST(PromQLTest, RendersEachComparisonAndThreshold) {
  Rule rule = MetricRule(Aggregation::kMin, {}, {});
  for (auto [op, text] : {std::pair{CompareOp::kGreater, ">"},
                          {CompareOp::kGreaterEqual, ">="},
                          {CompareOp::kLess, "<"},
                          {CompareOp::kLessEqual, "<="},
                          {CompareOp::kEqual, "=="},
                          {CompareOp::kNotEqual, "!="}}) {
    rule.op = op;
    EXPECT_EQ(ToPromQL(rule), "min(queue_depth) " + std::string(text) + " 100");
  }
  rule.op = CompareOp::kLess;
  rule.threshold = 0.1;
  EXPECT_EQ(ToPromQL(rule), "min(queue_depth) < 0.1");
  rule.threshold = -2.5e-7;
  EXPECT_EQ(ToPromQL(rule), "min(queue_depth) < -2.5e-07");
}

TEST(PromQLTest, EscapesBackslashQuoteAndNewlineInValues) {
  Rule rule = MetricRule(
      Aggregation::kSum,
      {{"path", MatchOp::kEqual, "C:\\x \"q\"\nend"}, {"re", MatchOp::kRegexMatch, "\\d+"}}, {});
  EXPECT_EQ(ToPromQL(rule), R"(sum(queue_depth{path="C:\\x \"q\"\nend",re=~"\\d+"}) > 100)");
}

TEST(PromQLTest, RendersInstanceNotServing) {
  EXPECT_EQ(ToPromQL(HealthRule(HealthCondition::kInstanceNotServing, "billing")),
            R"(fleetgate_instance_up{service="billing"} == 0)");
  EXPECT_EQ(ToPromQL(HealthRule(HealthCondition::kInstanceNotServing, std::nullopt)),
            "fleetgate_instance_up == 0");
}

TEST(PromQLTest, RendersUnhealthyRatio) {
  EXPECT_EQ(ToPromQL(HealthRule(HealthCondition::kUnhealthyRatio, "billing")),
            R"(1 - (sum by (service) (fleetgate_instance_up{service="billing"}) / )"
            R"(count by (service) (fleetgate_instance_up{service="billing"})) > 0.5)");
  EXPECT_EQ(ToPromQL(HealthRule(HealthCondition::kUnhealthyRatio, std::nullopt)),
            "1 - (sum by (service) (fleetgate_instance_up) / "
            "count by (service) (fleetgate_instance_up)) > 0.5");
}

TEST(PromQLTest, RendersServiceAbsentWithAnAbsentArmForANamedService) {
  EXPECT_EQ(ToPromQL(HealthRule(HealthCondition::kServiceAbsent, "billing")),
            R"(sum by (service) (fleetgate_instance_up{service="billing"}) == 0)"
            R"( or absent(fleetgate_instance_up{service="billing"}))");
  EXPECT_EQ(ToPromQL(HealthRule(HealthCondition::kServiceAbsent, std::nullopt)),
            "sum by (service) (fleetgate_instance_up) == 0");
}

TEST(PromQLTest, RendersServiceUnhealthyOverTheServiceHealthByService) {
  EXPECT_EQ(ToPromQL(HealthRule(HealthCondition::kServiceUnhealthy, "billing")),
            R"(max by (service) (fleetgate_service_health{service="billing",status="UNHEALTHY"}))"
            R"( == 1)");
  EXPECT_EQ(ToPromQL(HealthRule(HealthCondition::kServiceUnhealthy, std::nullopt)),
            R"(max by (service) (fleetgate_service_health{status="UNHEALTHY"}) == 1)");
}

TEST(PromQLTest, EscapesTheServiceName) {
  EXPECT_EQ(ToPromQL(HealthRule(HealthCondition::kInstanceNotServing, "a\"b")),
            R"(fleetgate_instance_up{service="a\"b"} == 0)");
}

}  // namespace
}  // namespace fleetgate::alerts
