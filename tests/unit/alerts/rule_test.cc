#include "alerts/rule.h"

#include <gtest/gtest.h>

namespace fleetgate::alerts {
namespace {

using nlohmann::json;
using std::chrono::minutes;

const json kHighQueue = json::parse(R"({"name": "HighQueue", "kind": "metric",
 "metric": {"name": "queue_depth",
            "matchers": [{"label": "service", "op": "=", "value": "billing"}],
            "aggregation": "max", "by": ["service"], "window": "5m"},
 "op": ">", "threshold": 100, "for": "5m",
 "labels": {"severity": "warning"},
 "annotations": {"summary": "queue of {{ $labels.service }} is {{ $value }}"}})");

const json kInstanceDown = json::parse(R"({"name": "InstanceDown", "kind": "health",
 "health": {"service": "billing", "condition": "instance_not_serving"},
 "for": "1m", "labels": {"severity": "critical"}, "annotations": {"summary": "down"}})");

TEST(RuleTest, ParsesTheIssuesMetricExample) {
  Result<Rule> r = ParseRule(kHighQueue);
  ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
  const Rule& rule = r.value();
  EXPECT_EQ(rule.name, "HighQueue");
  EXPECT_EQ(rule.kind, RuleKind::kMetric);
  EXPECT_EQ(rule.metric.name, "queue_depth");
  ASSERT_EQ(rule.metric.matchers.size(), 1u);
  EXPECT_EQ(rule.metric.matchers[0].op, MatchOp::kEqual);
  EXPECT_EQ(rule.metric.aggregation, Aggregation::kMax);
  EXPECT_EQ(rule.metric.by, std::vector<std::string>{"service"});
  EXPECT_EQ(rule.metric.window, minutes(5));
  EXPECT_EQ(rule.op, CompareOp::kGreater);
  EXPECT_EQ(rule.threshold, 100);
  EXPECT_EQ(rule.for_duration, minutes(5));
  EXPECT_EQ(rule.labels.at("severity"), "warning");
}

TEST(RuleTest, ParsesTheIssuesHealthExample) {
  Result<Rule> r = ParseRule(kInstanceDown);
  ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
  EXPECT_EQ(r.value().kind, RuleKind::kHealth);
  EXPECT_EQ(r.value().health.service, "billing");
  EXPECT_EQ(r.value().health.condition, HealthCondition::kInstanceNotServing);
  EXPECT_EQ(r.value().for_duration, minutes(1));
}

TEST(RuleTest, RoundTripsThroughJson) {
  json ratio = R"({"name": "Ratio", "kind": "health",
    "health": {"condition": "unhealthy_ratio", "threshold": 0.25}})"_json;
  json rate = R"({"name": "Errors", "kind": "metric", "op": ">=", "threshold": 0.5,
    "metric": {"name": "http_requests_total", "aggregation": "rate", "window": "90s",
               "matchers": [{"label": "code", "op": "=~", "value": "5.."}]}})"_json;
  for (const json& input : {kHighQueue, kInstanceDown, ratio, rate}) {
    Result<Rule> first = ParseRule(input);
    ASSERT_TRUE(first.ok()) << input.dump() << " " << first.error().message;
    json canonical = RuleToJson(first.value());
    Result<Rule> second = ParseRule(canonical);
    ASSERT_TRUE(second.ok()) << canonical.dump() << " " << second.error().message;
    EXPECT_EQ(RuleToJson(second.value()), canonical);
  }
  EXPECT_EQ(RuleToJson(ParseRule(kHighQueue).value()), kHighQueue);
  EXPECT_EQ(RuleToJson(ParseRule(kInstanceDown).value()), kInstanceDown);
  EXPECT_EQ(RuleToJson(ParseRule(rate).value())["metric"]["window"], "1m30s");
  EXPECT_EQ(RuleToJson(ParseRule(ratio).value())["for"], "0s");
}

TEST(RuleTest, ForMayBeZeroOrOmitted) {
  json rule = kInstanceDown;
  rule["for"] = "0s";
  EXPECT_EQ(ParseRule(rule).value().for_duration, minutes(0));
  rule.erase("for");
  EXPECT_EQ(ParseRule(rule).value().for_duration, minutes(0));
}

TEST(RuleTest, AcceptsEveryMatcherOpAndAggregation) {
  for (const char* op : {"=", "!=", "=~", "!~"}) {
    json rule = kHighQueue;
    rule["metric"]["matchers"][0]["op"] = op;
    EXPECT_TRUE(ParseRule(rule).ok()) << op;
  }
  for (const char* agg : {"sum", "avg", "min", "max", "count", "rate"}) {
    json rule = kHighQueue;
    rule["metric"]["aggregation"] = agg;
    EXPECT_TRUE(ParseRule(rule).ok()) << agg;
  }
  for (const char* op : {">", ">=", "<", "<=", "==", "!="}) {
    json rule = kHighQueue;
    rule["op"] = op;
    EXPECT_TRUE(ParseRule(rule).ok()) << op;
  }
}

TEST(RuleTest, AnInvalidFieldIsAnInvalidRuleErrorNamingTheFieldAndWhy) {
  json rule = kHighQueue;
  rule["metric"]["matchers"][0]["op"] = "~";
  Result<Rule> r = ParseRule(rule);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().Reason(), "invalid_rule");
  EXPECT_EQ(r.error().field, "metric.matchers[0].op");
  EXPECT_EQ(r.error().message, "must be one of =, !=, =~, !~");
}

TEST(RuleTest, AnnotationsThatAreNotSupportedTemplatesAreRefusedNamingTheAnnotation) {
  for (const char* text : {"{{ $foo }}", "{{ range . }}x{{ end }}", "{{ $labels.service",
                           "{{ .Labels.x }}", "{{ $labels.service | toUpper }}",
                           "{{ $value | humanize }}", "{{- $value }}", "{{ $labels.1x }}"}) {
    json rule = kHighQueue;
    rule["annotations"]["description"] = text;
    Result<Rule> r = ParseRule(rule);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().Reason(), "invalid_rule") << text;
    EXPECT_EQ(r.error().field, "annotations.description") << text;
  }
}

TEST(RuleTest, SupportedTemplatesAndPlainTextAreAccepted) {
  for (const char* text : {"plain", "{{$value}}", "{{ $labels.instance }} of {{ $labels.service }}",
                           "a }} alone", ""}) {
    json rule = kHighQueue;
    rule["annotations"]["description"] = text;
    EXPECT_TRUE(ParseRule(rule).ok()) << text;
  }
}

TEST(RuleTest, LabelValuesAreNotTemplates) {
  json rule = kHighQueue;
  rule["labels"]["team"] = "{{ $labels.service }}";
  Result<Rule> r = ParseRule(rule);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "labels.team");
}

}  // namespace
}  // namespace fleetgate::alerts
