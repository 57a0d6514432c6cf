// The exported rule file, checked by the real `promtool check rules`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "alerts/promql.h"

namespace fleetgate::alerts {
namespace {

using nlohmann::json;
using testing::HasSubstr;

Rule Parse(const char* text) {
  Result<Rule> r = ParseRule(json::parse(text));
  EXPECT_TRUE(r.ok()) << text << (r.ok() ? "" : r.error().message);
  return r.value();
}

std::vector<Rule> EveryKindOfRule() {
  return {
      Parse(R"({"name": "HighQueue", "kind": "metric",
        "metric": {"name": "queue_depth", "aggregation": "max", "by": ["service"],
                   "matchers": [{"label": "service", "op": "=", "value": "bill\"ing\\\n"}]},
        "op": ">", "threshold": 100, "for": "5m", "labels": {"severity": "warning"},
        "annotations": {"summary": "queue of {{ $labels.service }} is {{ $value }}",
                        "description": "'quoted' # not a comment: {{$value}}"}})"),
      Parse(R"({"name": "Errors", "kind": "metric", "op": ">=", "threshold": 0.5,
        "metric": {"name": "http_requests_total", "aggregation": "rate", "window": "90s",
                   "matchers": [{"label": "code", "op": "=~", "value": "5.."},
                                {"label": "path", "op": "!~", "value": "/health\\d*"},
                                {"label": "env", "op": "!=", "value": "dev"}]}})"),
      Parse(R"({"name": "InstanceDown", "kind": "health", "for": "0s",
        "health": {"service": "billing", "condition": "instance_not_serving"}})"),
      Parse(R"({"name": "Unhealthy", "kind": "health", "for": "1m",
        "health": {"condition": "unhealthy_ratio", "threshold": 0.25}})"),
      Parse(R"({"name": "BillingGone", "kind": "health",
        "health": {"service": "billing", "condition": "service_absent"}})"),
      Parse(R"({"name": "AnyGone", "kind": "health",
        "health": {"condition": "service_absent"}})"),
  };
}

class RuleFileTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/alerts_rule_file_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Exit status of `promtool check rules` on `contents`; its output is kept in output_.
  int CheckRules(const std::string& contents) {
    std::string path = dir_ + "/rules.yml";
    std::ofstream(path) << contents;
    std::string command = std::string(PROMTOOL) + " check rules " + path + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return -1;
    char buffer[512];
    output_.clear();
    while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output_ += buffer;
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string dir_;
  std::string output_;
};

TEST_F(RuleFileTest, PromtoolAcceptsEveryKindOfRule) {
  std::string file = ExportRuleFile(EveryKindOfRule());
  EXPECT_EQ(CheckRules(file), 0) << output_ << "\n" << file;
  EXPECT_THAT(output_, HasSubstr("SUCCESS: 6 rules found"));
}

TEST_F(RuleFileTest, PromtoolAcceptsAnEmptyGroup) {
  std::string file = ExportRuleFile({});
  EXPECT_EQ(CheckRules(file), 0) << output_ << "\n" << file;
}

TEST_F(RuleFileTest, PromtoolRejectsABrokenFileSoTheCheckIsReal) {
  EXPECT_NE(CheckRules("groups:\n- name: fleetgate\n  rules:\n  - alert: X\n    expr: 'sum(('\n"),
            0);
}

TEST_F(RuleFileTest, HoldsOneGroupWithEachRulesFields) {
  std::string file = ExportRuleFile(EveryKindOfRule());
  EXPECT_THAT(file, HasSubstr("name: fleetgate"));
  EXPECT_THAT(file, HasSubstr("alert: HighQueue"));
  EXPECT_THAT(file, HasSubstr("for: 5m"));
  EXPECT_THAT(file, HasSubstr("severity: \"warning\""));
  EXPECT_THAT(file, HasSubstr("{{ $labels.service }}"));
  EXPECT_THAT(file, HasSubstr("fleetgate_instance_up"));
}

}  // namespace
}  // namespace fleetgate::alerts
