#include "client/fgctl/rule_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace fleetgate::fgctl {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const json kA = {{"name", "A"}, {"kind", "health"}};
const json kB = {{"name", "B"}, {"kind", "metric"}};

std::vector<std::string> Names(const RuleList& list) {
  std::vector<std::string> names;
  for (const auto& rule : list.rules) names.push_back(rule["name"]);
  return names;
}

TEST(RulesOfTest, TakesEveryShapeOfARuleFile) {
  EXPECT_EQ(Names(RulesOf(kA, "f")), std::vector<std::string>{"A"});
  EXPECT_EQ(Names(RulesOf(json::array({kA, kB}), "f")), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(Names(RulesOf({{"rules", {kA, kB}}}, "f")), (std::vector<std::string>{"A", "B"}));
}

TEST(RulesOfTest, TakesTheHelmChartsAlertRulesAloneOrInValues) {
  const json map = {{"fleet", {kA}}, {"queue", {kB}}};
  EXPECT_EQ(Names(RulesOf(map, "f")), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(Names(RulesOf({{"replicaCount", 1}, {"alertRules", map}}, "f")),
            (std::vector<std::string>{"A", "B"}));
}

TEST(RulesOfTest, UnwrapsRulesAsTheApiReturnsThem) {
  const json wrapped = {{"name", "A"}, {"state", "firing"}, {"rule", kA}};
  RuleList list = RulesOf({{"rules", {wrapped}}}, "f");
  ASSERT_TRUE(list.ok()) << list.error;
  EXPECT_EQ(list.rules, std::vector<json>{kA});
}

TEST(RulesOfTest, NamesWhereARuleIsWrong) {
  EXPECT_EQ(RulesOf({{"rules", {kA, {{"kind", "health"}}}}}, "f.yaml").error,
            "f.yaml: rules[1]: every rule needs a string \"name\"");
  EXPECT_EQ(RulesOf({{"alertRules", {{"fleet", {kA, 3}}}}}, "f.yaml").error,
            "f.yaml: alertRules.fleet[1]: a rule is an object (name, kind, …), not number");
  EXPECT_THAT(RulesOf({{"rules", "A"}}, "f.yaml").error, HasSubstr("\"rules\" must be a list"));
}

TEST(RulesOfTest, RefusesAPrometheusRuleFileAndDocumentsWithoutRules) {
  const json prometheus = {{"groups", {{{"name", "g"}, {"rules", json::array()}}}}};
  EXPECT_THAT(RulesOf(prometheus, "p.yml").error, HasSubstr("p.yml: a Prometheus rule file"));
  EXPECT_EQ(RulesOf(nullptr, "e.yaml").error, "e.yaml: no rules in it");
  EXPECT_EQ(RulesOf({{"alertRules", json::object()}}, "v.yaml").error, "v.yaml: no rules in it");
  EXPECT_THAT(RulesOf("text", "t.yaml").error, HasSubstr("expected a rule, a list of rules"));
}

TEST(ReadRuleFileTest, ReadsYamlAndJsonFromStandardInput) {
  std::istringstream yaml("- {name: A, kind: health, for: 5m, threshold: 0.5}\n");
  RuleList list = ReadRuleFile("-", yaml);
  ASSERT_TRUE(list.ok()) << list.error;
  EXPECT_EQ(list.rules[0]["for"], "5m");
  EXPECT_EQ(list.rules[0]["threshold"], 0.5);
  std::istringstream json_text(R"({"name": "B", "threshold": 2})");
  EXPECT_EQ(Names(ReadRuleFile("-", json_text)), std::vector<std::string>{"B"});
  std::istringstream broken("rules: [\n");
  EXPECT_THAT(ReadRuleFile("-", broken).error,
              HasSubstr("standard input: not valid YAML or JSON: line "));
  std::istringstream unused;
  EXPECT_EQ(ReadRuleFile("/nonexistent/rules.yaml", unused).error,
            "cannot read /nonexistent/rules.yaml");
}

}  // namespace
}  // namespace fleetgate::fgctl
