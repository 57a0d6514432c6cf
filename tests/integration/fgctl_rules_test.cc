// `fgctl rules apply` with the YAML fleetgate itself reads (a rule file of alerting.rule_files, the
// Helm chart's alertRules), per-rule results, refusals with the gateway's field, and alert values
// as people read them; against the real gateway.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "client/fgctl_fixture.h"
#include "http_client.h"

namespace fleetgate::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// Two rules in the shape of docs/alerting.md, as a rule file holds them (block and flow YAML).
constexpr char kRuleFile[] = R"(rules:
  - name: FleetServiceAbsent
    kind: health
    health: {condition: service_absent}
    for: 2m
    labels: {severity: critical}
    annotations: {summary: "{{ $labels.service }} has no serving instance"}
  - name: HighQueue
    kind: metric
    metric:
      name: queue_depth
      matchers: [{label: service, op: "=", value: billing}]
      aggregation: max
      by: [service]
    op: ">"
    threshold: 5
    for: 0s
    labels: {severity: warning}
    annotations:
      summary: "queue of {{ $labels.service }} is {{ $value }}"
)";

// The same two rules as the chart's values take them: alertRules, a map of file name to rules.
constexpr char kHelmValues[] = R"(replicaCount: 1
config:
  log: {level: info}
alertRules:
  fleet:
    - name: FleetServiceAbsent
      kind: health
      health: {condition: service_absent}
      for: 2m
      labels: {severity: critical}
      annotations: {summary: "{{ $labels.service }} has no serving instance"}
  queue:
    - name: HighQueue
      kind: metric
      metric: {name: queue_depth, matchers: [{label: service, op: "=", value: billing}],
               aggregation: max, by: [service]}
      op: ">"
      threshold: 5
      for: 0s
      labels: {severity: warning}
      annotations: {summary: "queue of {{ $labels.service }} is {{ $value }}"}
)";

class FgctlRulesTest : public FgctlTest {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  // The definition of a rule as `base` holds it; null when it has none by that name.
  static json Definition(const std::string& base, const std::string& name) {
    HttpResult result = HttpGet(base + "/api/v1/rules/" + name);
    if (result.status != 200) return nullptr;
    return json::parse(result.body)["rule"];
  }

  size_t RuleCount() {
    return json::parse(HttpGet(gateway_.http_base() + "/api/v1/rules").body)["rules"].size();
  }

  TempDir dir_;
};

// fgctl and the gateway's alerting.rule_files read the same YAML into the same rules.
TEST_F(FgctlRulesTest, AppliesTheYamlOfARuleFileAsTheGatewayReadsIt) {
  const std::string file = Write("fleet.yaml", kRuleFile);
  FgctlRun run = Rest({"rules", "apply", "-f", file});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "rule FleetServiceAbsent created\nrule HighQueue created\n");

  GatewayProcess provisioned;
  GatewayProcess::Options options;
  options.env = {{"FLEETGATE_ALERTING_RULE_FILES", file}};
  ASSERT_TRUE(provisioned.Start(options)) << provisioned.Log();
  for (const char* name : {"FleetServiceAbsent", "HighQueue"}) {
    json applied = Definition(gateway_.http_base(), name);
    ASSERT_TRUE(applied.is_object()) << name;
    EXPECT_EQ(applied, Definition(provisioned.http_base(), name)) << name;
  }
  EXPECT_EQ(Definition(gateway_.http_base(), "HighQueue")["threshold"], 5);
  EXPECT_EQ(Definition(gateway_.http_base(), "HighQueue")["metric"]["by"], json({"service"}));

  FgctlRun again = Rest({"rules", "apply", "-f", file});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "rule FleetServiceAbsent replaced\nrule HighQueue replaced\n");
}

TEST_F(FgctlRulesTest, AppliesTheHelmChartsAlertRulesInAValuesFileOrAlone) {
  FgctlRun values = Rest({"rules", "apply", "-f", Write("values.yaml", kHelmValues)});
  ASSERT_EQ(values.exit_code, 0) << values.err;
  EXPECT_EQ(values.out, "rule FleetServiceAbsent created\nrule HighQueue created\n");
  const json rule = Definition(gateway_.http_base(), "HighQueue");
  EXPECT_EQ(rule["op"], ">");
  EXPECT_EQ(rule["for"], "0s");
  EXPECT_EQ(rule["annotations"]["summary"], "queue of {{ $labels.service }} is {{ $value }}");

  // The alertRules map alone, as `helm --set-file`/a values fragment holds it, in JSON.
  const json map = {{"fleet", {Definition(gateway_.http_base(), "FleetServiceAbsent")}},
                    {"queue", {rule}}};
  FgctlRun alone = Rest({"rules", "apply", "-f", Write("alert-rules.json", map.dump())});
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_EQ(alone.out, "rule FleetServiceAbsent replaced\nrule HighQueue replaced\n");
  EXPECT_EQ(RuleCount(), 2u);
}

TEST_F(FgctlRulesTest, ReportsEachRuleAndFailsWithTheFieldOfTheRefusedOne) {
  const std::string file = Write("mixed.yaml", R"(
- {name: First, kind: health, health: {condition: instance_not_serving}, for: 1m}
- name: Templated
  kind: health
  health: {condition: instance_not_serving}
  for: 1m
  annotations: {summary: "{{ $foo }} is down"}
- {name: Last, kind: health, health: {condition: service_absent}, for: 1m}
)");
  FgctlRun run = Rest({"rules", "apply", "-f", file});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, HasSubstr("rule First created\n"));
  EXPECT_THAT(run.out, HasSubstr("rule Templated refused: POST /api/v1/rules: 400 invalid_rule: "
                                 "annotations.summary: "));
  EXPECT_THAT(run.out, HasSubstr("rule Last created\n"));
  EXPECT_TRUE(IsOneLine(run.err));
  EXPECT_THAT(run.err, HasSubstr("fgctl: rule Templated refused: "));
  EXPECT_THAT(run.err, HasSubstr("invalid_rule: annotations.summary: "));
  EXPECT_TRUE(Definition(gateway_.http_base(), "First").is_object());
  EXPECT_TRUE(Definition(gateway_.http_base(), "Last").is_object());
  EXPECT_TRUE(Definition(gateway_.http_base(), "Templated").is_null());

  FgctlRun json_run = Rest({"--json", "rules", "apply", "-f", file});
  EXPECT_EQ(json_run.exit_code, 1);
  const json results = json::parse(json_run.out)["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0], json({{"name", "First"}, {"result", "replaced"}}));
  EXPECT_EQ(results[1]["result"], "refused");
  EXPECT_THAT(results[1]["error"].get<std::string>(), HasSubstr("annotations.summary"));
  EXPECT_EQ(results[2]["result"], "replaced");
}

TEST_F(FgctlRulesTest, CountsTheRefusalsWhenMoreThanOneRuleIsRefused) {
  const std::string file = Write("bad.yaml", R"(
- {name: BadOne, kind: health, health: {condition: no_such_condition}, for: 1m}
- {name: BadTwo, kind: metric, metric: {name: queue_depth, aggregation: median}, op: ">",
   threshold: 1, for: 1m}
)");
  FgctlRun run = Rest({"rules", "apply", "-f", file});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(IsOneLine(run.err));
  EXPECT_THAT(run.err, HasSubstr("2 of 2 rules refused; the first, rule BadOne refused: "));
  EXPECT_THAT(run.err, HasSubstr("health.condition"));
  EXPECT_THAT(run.out, HasSubstr("rule BadTwo refused: "));
  EXPECT_THAT(run.out, HasSubstr("metric.aggregation"));
  EXPECT_EQ(RuleCount(), 0u);
}

// What is not a list of fleetgate rules is refused before any rule reaches the gateway.
TEST_F(FgctlRulesTest, RefusesFilesThatHoldNoFleetgateRules) {
  ASSERT_EQ(Rest({"rules", "apply", "-f", Write("fleet.yaml", kRuleFile)}).exit_code, 0);
  // The gateway's own export is a Prometheus rule file: PromQL, not a fleetgate rule.
  const std::string exported = HttpGet(gateway_.http_base() + "/api/v1/rules/export").body;
  ASSERT_THAT(exported, HasSubstr("groups:"));
  const struct {
    std::string file;
    std::string says;
  } cases[] = {
      {Write("prometheus.yml", exported), "a Prometheus rule file (groups:, alert:, expr:)"},
      {Write("broken.yaml", "rules:\n  - name: [A\n"), "not valid YAML or JSON: line "},
      {Write("nameless.yaml", "rules:\n  - {kind: health, for: 1m}\n"),
       "rules[0]: every rule needs a string \"name\""},
      {Write("empty-map.yaml", "alertRules: {}\n"), "no rules in it"},
      {Write("scalar.yaml", "just text\n"), "expected a rule, a list of rules"},
      {"-", "standard input: no rules in it"},  // fgctl's stdin is empty here
      {dir_.path() + "/missing.yaml", "cannot read "},
  };
  for (const auto& c : cases) {
    FgctlRun run = Rest({"rules", "apply", "-f", c.file});
    EXPECT_EQ(run.exit_code, 1) << c.file;
    EXPECT_TRUE(IsOneLine(run.err)) << c.file;
    EXPECT_THAT(run.err, HasSubstr(c.says)) << c.file;
    EXPECT_TRUE(run.out.empty()) << c.file << ": " << run.out;
  }
  EXPECT_EQ(RuleCount(), 2u);
}

// Prometheus' envelope carries "7e+00"; the table prints 7, --json keeps the gateway's text.
TEST_F(FgctlRulesTest, AlertsPrintTheValueAsPeopleReadIt) {
  ASSERT_EQ(Rest({"rules", "apply", "-f", Write("fleet.yaml", kRuleFile)}).exit_code, 0);
  ASSERT_EQ(Report({"gauge", "queue_depth", "7"}).exit_code, 0);
  FgctlRun alerts;
  ASSERT_TRUE(Eventually([&] {
    alerts = Rest({"alerts"});
    return alerts.out.find("HighQueue") != std::string::npos;
  })) << alerts.out
      << alerts.err;
  EXPECT_THAT(alerts.out, HasSubstr("  7  "));
  EXPECT_THAT(alerts.out, Not(HasSubstr("e+00")));
  FgctlRun json_run = Rest({"--json", "alerts"});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  const json body = json::parse(json_run.out);
  std::string value;
  for (const auto& alert : body["data"]["alerts"]) {
    if (alert["labels"]["alertname"] == "HighQueue") value = alert["value"];
  }
  EXPECT_EQ(value, "7e+00") << json_run.out;
}

}  // namespace
}  // namespace fleetgate::testing
