// Every field's validation: each case breaks one field of a valid rule and expects that field
// to be named in the error.
#include <gtest/gtest.h>

#include <functional>

#include "alerts/rule.h"

namespace fleetgate::alerts {
namespace {

using nlohmann::json;

json MetricRule() {
  return R"({"name": "HighQueue", "kind": "metric",
    "metric": {"name": "queue_depth",
               "matchers": [{"label": "service", "op": "=", "value": "billing"}],
               "aggregation": "rate", "by": ["service"], "window": "5m"},
    "op": ">", "threshold": 100, "for": "5m",
    "labels": {"severity": "warning"}, "annotations": {"summary": "x"}})"_json;
}

json HealthRule() {
  return R"({"name": "Ratio", "kind": "health",
    "health": {"service": "billing", "condition": "unhealthy_ratio", "threshold": 0.5}})"_json;
}

struct FieldCase {
  const char* what;
  std::function<json()> rule;
  const char* field;
  const char* reason_part;
};

json With(json rule, const json::json_pointer& at, const json& value) {
  rule[at] = value;
  return rule;
}

json Without(json rule, const json::json_pointer& parent, const std::string& key) {
  rule[parent].erase(key);
  return rule;
}

using P = json::json_pointer;

const FieldCase kCases[] = {
    {"rule not an object", [] { return json::array(); }, "rule", "object"},
    {"unknown top-level field", [] { return With(MetricRule(), P("/bogus"), 1); }, "bogus",
     "unknown"},
    {"name missing", [] { return Without(MetricRule(), P(""), "name"); }, "name", "required"},
    {"name not a string", [] { return With(MetricRule(), P("/name"), 3); }, "name", "string"},
    {"name with a dash", [] { return With(MetricRule(), P("/name"), "high-queue"); }, "name",
     "[a-zA-Z_]"},
    {"name starting with a digit", [] { return With(MetricRule(), P("/name"), "1x"); }, "name",
     "[a-zA-Z_]"},
    {"name empty", [] { return With(MetricRule(), P("/name"), ""); }, "name", "[a-zA-Z_]"},
    {"kind missing", [] { return Without(MetricRule(), P(""), "kind"); }, "kind", "required"},
    {"kind unknown", [] { return With(MetricRule(), P("/kind"), "log"); }, "kind",
     "metric, health"},
    {"metric missing", [] { return Without(MetricRule(), P(""), "metric"); }, "metric", "required"},
    {"metric not an object", [] { return With(MetricRule(), P("/metric"), 1); }, "metric",
     "object"},
    {"health on a metric rule", [] { return With(MetricRule(), P("/health"), json::object()); },
     "health", "not allowed"},
    {"unknown metric field", [] { return With(MetricRule(), P("/metric/offset"), "1m"); },
     "metric.offset", "unknown"},
    {"metric name missing", [] { return Without(MetricRule(), P("/metric"), "name"); },
     "metric.name", "required"},
    {"metric name invalid", [] { return With(MetricRule(), P("/metric/name"), "queue-depth"); },
     "metric.name", "metric name"},
    {"matchers not an array", [] { return With(MetricRule(), P("/metric/matchers"), "x"); },
     "metric.matchers", "array"},
    {"matcher not an object", [] { return With(MetricRule(), P("/metric/matchers/0"), 1); },
     "metric.matchers[0]", "object"},
    {"matcher unknown field", [] { return With(MetricRule(), P("/metric/matchers/0/x"), 1); },
     "metric.matchers[0].x", "unknown"},
    {"matcher label missing",
     [] { return Without(MetricRule(), P("/metric/matchers/0"), "label"); },
     "metric.matchers[0].label", "required"},
    {"matcher label invalid",
     [] { return With(MetricRule(), P("/metric/matchers/0/label"), "a.b"); },
     "metric.matchers[0].label", "label name"},
    {"matcher on __name__",
     [] { return With(MetricRule(), P("/metric/matchers/0/label"), "__name__"); },
     "metric.matchers[0].label", "__name__"},
    {"matcher op unknown", [] { return With(MetricRule(), P("/metric/matchers/0/op"), "~"); },
     "metric.matchers[0].op", "must be one of =, !=, =~, !~"},
    {"matcher op missing", [] { return Without(MetricRule(), P("/metric/matchers/0"), "op"); },
     "metric.matchers[0].op", "required"},
    {"matcher value missing",
     [] { return Without(MetricRule(), P("/metric/matchers/0"), "value"); },
     "metric.matchers[0].value", "required"},
    {"matcher value not a string",
     [] { return With(MetricRule(), P("/metric/matchers/0/value"), 5); },
     "metric.matchers[0].value", "string"},
    {"matcher regex does not compile",
     [] {
       json r = With(MetricRule(), P("/metric/matchers/0/op"), "=~");
       return With(r, P("/metric/matchers/0/value"), "(5..");
     },
     "metric.matchers[0].value", "RE2"},
    {"negative regex does not compile",
     [] {
       json r = With(MetricRule(), P("/metric/matchers/0/op"), "!~");
       return With(r, P("/metric/matchers/0/value"), "[");
     },
     "metric.matchers[0].value", "RE2"},
    {"aggregation unknown", [] { return With(MetricRule(), P("/metric/aggregation"), "median"); },
     "metric.aggregation", "sum, avg, min, max, count, rate"},
    {"aggregation missing", [] { return Without(MetricRule(), P("/metric"), "aggregation"); },
     "metric.aggregation", "required"},
    {"by not an array", [] { return With(MetricRule(), P("/metric/by"), "service"); }, "metric.by",
     "array"},
    {"by label invalid", [] { return With(MetricRule(), P("/metric/by/0"), "a-b"); },
     "metric.by[0]", "label name"},
    {"by label duplicated", [] { return With(MetricRule(), P("/metric/by/1"), "service"); },
     "metric.by[1]", "duplicate"},
    {"window malformed", [] { return With(MetricRule(), P("/metric/window"), "5 minutes"); },
     "metric.window", "duration"},
    {"window zero", [] { return With(MetricRule(), P("/metric/window"), "0s"); }, "metric.window",
     "greater than 0"},
    {"window missing for rate", [] { return Without(MetricRule(), P("/metric"), "window"); },
     "metric.window", "required for aggregation rate"},
    {"op missing", [] { return Without(MetricRule(), P(""), "op"); }, "op", "required"},
    {"op unknown", [] { return With(MetricRule(), P("/op"), "=>"); }, "op",
     "must be one of >, >=, <, <=, ==, !="},
    {"threshold missing", [] { return Without(MetricRule(), P(""), "threshold"); }, "threshold",
     "required"},
    {"threshold a string", [] { return With(MetricRule(), P("/threshold"), "100"); }, "threshold",
     "number"},
    {"for malformed", [] { return With(MetricRule(), P("/for"), "5"); }, "for", "duration"},
    {"for negative", [] { return With(MetricRule(), P("/for"), "-5m"); }, "for", "duration"},
    {"for a number", [] { return With(MetricRule(), P("/for"), 300); }, "for", "duration"},
    {"labels not an object", [] { return With(MetricRule(), P("/labels"), json::array()); },
     "labels", "object"},
    {"label name invalid", [] { return With(MetricRule(), P("/labels/a-b"), "x"); }, "labels.a-b",
     "name"},
    {"label name reserved", [] { return With(MetricRule(), P("/labels/__x"), "x"); }, "labels.__x",
     "__"},
    {"label alertname", [] { return With(MetricRule(), P("/labels/alertname"), "x"); },
     "labels.alertname", "rule name"},
    {"label value not a string", [] { return With(MetricRule(), P("/labels/severity"), 2); },
     "labels.severity", "string"},
    {"label value not UTF-8", [] { return With(MetricRule(), P("/labels/severity"), "\xff"); },
     "labels.severity", "UTF-8"},
    {"annotations not an object", [] { return With(MetricRule(), P("/annotations"), "x"); },
     "annotations", "object"},
    {"annotation name invalid", [] { return With(MetricRule(), P("/annotations/1x"), "x"); },
     "annotations.1x", "name"},
    {"annotation value not a string", [] { return With(MetricRule(), P("/annotations/a"), 1); },
     "annotations.a", "string"},
    {"health missing", [] { return Without(HealthRule(), P(""), "health"); }, "health", "required"},
    {"metric on a health rule", [] { return With(HealthRule(), P("/metric"), json::object()); },
     "metric", "not allowed"},
    {"op on a health rule", [] { return With(HealthRule(), P("/op"), ">"); }, "op", "not allowed"},
    {"threshold on a health rule", [] { return With(HealthRule(), P("/threshold"), 1); },
     "threshold", "not allowed"},
    {"health not an object", [] { return With(HealthRule(), P("/health"), "x"); }, "health",
     "object"},
    {"unknown health field", [] { return With(HealthRule(), P("/health/instance"), "i"); },
     "health.instance", "unknown"},
    {"service empty", [] { return With(HealthRule(), P("/health/service"), ""); }, "health.service",
     "non-empty"},
    {"service not a string", [] { return With(HealthRule(), P("/health/service"), 1); },
     "health.service", "string"},
    {"condition unknown", [] { return With(HealthRule(), P("/health/condition"), "down"); },
     "health.condition",
     "instance_not_serving, unhealthy_ratio, service_absent, service_unhealthy"},
    {"condition missing", [] { return Without(HealthRule(), P("/health"), "condition"); },
     "health.condition", "required"},
    {"ratio threshold missing", [] { return Without(HealthRule(), P("/health"), "threshold"); },
     "health.threshold", "required"},
    {"ratio threshold 1", [] { return With(HealthRule(), P("/health/threshold"), 1); },
     "health.threshold", "[0, 1)"},
    {"ratio threshold negative", [] { return With(HealthRule(), P("/health/threshold"), -0.1); },
     "health.threshold", "[0, 1)"},
    {"threshold on service_absent",
     [] { return With(HealthRule(), P("/health/condition"), "service_absent"); },
     "health.threshold", "only for unhealthy_ratio"},
};

class RuleFieldTest : public testing::TestWithParam<FieldCase> {};

TEST_P(RuleFieldTest, RejectsTheBrokenFieldByName) {
  Result<Rule> r = ParseRule(GetParam().rule());
  ASSERT_FALSE(r.ok()) << GetParam().what;
  EXPECT_EQ(r.error().field, GetParam().field) << GetParam().what << ": " << r.error().message;
  EXPECT_NE(r.error().message.find(GetParam().reason_part), std::string::npos)
      << GetParam().what << ": " << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(EveryField, RuleFieldTest, testing::ValuesIn(kCases));

TEST(RuleFieldBaselineTest, BothBaseRulesAreValid) {
  EXPECT_TRUE(ParseRule(MetricRule()).ok());
  EXPECT_TRUE(ParseRule(HealthRule()).ok());
  json no_service = HealthRule();
  no_service["health"].erase("service");
  EXPECT_TRUE(ParseRule(no_service).ok());
  json non_rate_without_window = MetricRule();
  non_rate_without_window["metric"]["aggregation"] = "max";
  non_rate_without_window["metric"].erase("window");
  EXPECT_TRUE(ParseRule(non_rate_without_window).ok());
}

}  // namespace
}  // namespace fleetgate::alerts
