#include "alerts/rule_catalog.h"

#include <gtest/gtest.h>

#include <fstream>

#include "evaluator_fixture.h"

namespace fleetgate::alerts {
namespace {

using nlohmann::json;

json Health(const std::string& name) {
  return {{"name", name},
          {"kind", "health"},
          {"health", {{"condition", "service_absent"}}},
          {"for", "1m"}};
}

class RuleCatalogTest : public AlertingFixture {
 protected:
  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = (dir_.path() / name).string();
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(RuleCatalogTest, CreatesOnceAndRefusesADuplicateName) {
  auto created = rules_->Create(ParseOrDie(Health("Absent")));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created.value().source, RuleSource::kApi);
  EXPECT_EQ(created.value().created, clock_->Now());
  auto again = rules_->Create(ParseOrDie(Health("Absent")));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().Reason(), kRuleExists);
}

TEST_F(RuleCatalogTest, RefusesARuleBeyondMaxRulesAsResourceExhausted) {
  RuleCatalog capped(*rule_store_, clock_, 2);
  ASSERT_TRUE(capped.Create(ParseOrDie(Health("A"))).ok());
  ASSERT_TRUE(capped.Create(ParseOrDie(Health("B"))).ok());
  auto third = capped.Create(ParseOrDie(Health("C")));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(third.error().Reason(), kTooManyRules);
  ASSERT_TRUE(capped.Delete("A").ok());
  EXPECT_TRUE(capped.Create(ParseOrDie(Health("C"))).ok());
}

TEST_F(RuleCatalogTest, ReplacesAndDeletesOnlyKnownRules) {
  EXPECT_EQ(rules_->Replace(ParseOrDie(Health("Absent"))).error().Reason(), kRuleNotFound);
  EXPECT_EQ(rules_->Delete("Absent").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(rules_->CheckWritable("Absent").error().Reason(), kRuleNotFound);
  ASSERT_TRUE(rules_->Create(ParseOrDie(Health("Absent"))).ok());
  clock_->Advance(std::chrono::seconds(5));
  json changed = Health("Absent");
  changed["for"] = "5m";
  auto replaced = rules_->Replace(ParseOrDie(changed));
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced.value().rule.for_duration, std::chrono::minutes(5));
  EXPECT_LT(replaced.value().created, replaced.value().updated);
  ASSERT_TRUE(rules_->Delete("Absent").ok());
  EXPECT_FALSE(rules_->Find("Absent"));
}

TEST_F(RuleCatalogTest, StoredRulesSurviveARestart) {
  ASSERT_TRUE(rules_->Create(ParseOrDie(Health("B"))).ok());
  ASSERT_TRUE(rules_->Create(ParseOrDie(Health("A"))).ok());
  Open();
  auto list = rules_->List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].rule.name, "A");
  EXPECT_EQ(RuleToJson(list[1].rule), RuleToJson(ParseOrDie(Health("B"))));
}

TEST_F(RuleCatalogTest, ProvisionedRulesAreReadOnly) {
  std::string file = WriteFile("rules.yaml", R"(rules:
  - name: HighQueue
    kind: metric
    metric: {name: queue_depth, aggregation: max}
    op: ">"
    threshold: 100
    for: 5m
    labels: {severity: "1"}
)");
  Open();
  rules_->Provision({file});
  auto entry = rules_->Find("HighQueue");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->source, RuleSource::kFile);
  EXPECT_EQ(entry->rule.threshold, 100);
  EXPECT_EQ(entry->rule.labels.at("severity"), "1");  // quoted: stays a string
  json json_rule = RuleToJson(entry->rule);
  EXPECT_EQ(rules_->Replace(entry->rule).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(rules_->Delete("HighQueue").error().Reason(), kRuleReadOnly);
  EXPECT_EQ(rules_->Create(entry->rule).error().Reason(), kRuleExists);
}

TEST_F(RuleCatalogTest, AStoredRuleYieldsToAProvisionedOneOfTheSameName) {
  ASSERT_TRUE(rules_->Create(ParseOrDie(Health("Absent"))).ok());
  std::string file = WriteFile("rules.json", "[" + Health("Absent").dump() + "]");
  Open();  // Open loads the stored rules before provisioning: provision on a fresh catalog
  rules_ = std::make_unique<RuleCatalog>(*rule_store_, clock_);
  rules_->Provision({file});
  EXPECT_EQ(rules_->LoadStored(), 0u);
  EXPECT_EQ(rules_->Find("Absent")->source, RuleSource::kFile);
}

TEST_F(RuleCatalogTest, ProvisioningFailsOnAnInvalidRuleOrADuplicateName) {
  std::string bad =
      WriteFile("bad.yaml", "- {name: Bad, kind: health, health: {condition: nope}}\n");
  try {
    rules_->Provision({bad});
    FAIL() << "an invalid rule was provisioned";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.yaml: rule 0 (Bad): health.condition"),
              std::string::npos)
        << e.what();
  }
  std::string one = WriteFile("one.json", Health("Same").dump());
  std::string two = WriteFile("two.json", Health("Same").dump());
  EXPECT_THROW(rules_->Provision({one, two}), std::runtime_error);
  EXPECT_THROW(rules_->Provision({(dir_.path() / "missing.yaml").string()}), std::runtime_error);
}

}  // namespace
}  // namespace fleetgate::alerts
