// Paging through health and alert history with fgctl (--limit per page, --cursor, --all), and
// global flags after nested subcommands; against the real gateway.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "client/fgctl_fixture.h"

namespace fleetgate::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class FgctlHistoryTest : public FgctlTest {
 protected:
  // `fgctl --json ARGS…`, parsed; fails the test when fgctl does.
  json Json(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    FgctlRun run = Rest(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return json::parse(run.out, nullptr, false);
  }

  // The first sightings of b-1 … b-5, one history row each.
  void ReportFiveInstances() {
    for (int i = 1; i <= 5; ++i) {
      ASSERT_EQ(Report({"health", "SERVING"}, "b-" + std::to_string(i)).exit_code, 0);
    }
  }

  static std::vector<std::string> Instances(const json& body) {
    std::vector<std::string> out;
    for (const auto& row : body["transitions"]) out.push_back(row["instance"]);
    return out;
  }
};

TEST_F(FgctlHistoryTest, HistoryPagesWithLimitCursorAndAll) {
  ReportFiveInstances();
  const json first = Json({"history", "billing", "--limit", "2"});
  ASSERT_EQ(first["transitions"].size(), 2u);
  ASSERT_TRUE(first["next_cursor"].is_string());
  const json second =
      Json({"history", "billing", "--limit", "2", "--cursor", first["next_cursor"]});
  ASSERT_EQ(second["transitions"].size(), 2u);
  const json all = Json({"history", "billing", "--limit", "2", "--all"});
  EXPECT_TRUE(all["next_cursor"].is_null());
  const std::vector<std::string> every = Instances(all);
  EXPECT_EQ(every, (std::vector<std::string>{"b-5", "b-4", "b-3", "b-2", "b-1"}));
  std::vector<std::string> paged = Instances(first);
  for (const auto& instance : Instances(second)) paged.push_back(instance);
  EXPECT_EQ(paged, std::vector<std::string>(every.begin(), every.begin() + 4));

  FgctlRun table = Rest({"history", "billing", "--limit", "2"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("(more: --cursor " + first["next_cursor"].get<std::string>() +
                                   ", or --all)"));
  FgctlRun whole = Rest({"history", "billing", "--all", "--limit", "2"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_THAT(whole.out, HasSubstr("b-1"));
  EXPECT_THAT(whole.out, ::testing::Not(HasSubstr("(more:")));
}

TEST_F(FgctlHistoryTest, AlertHistoryPagesWithLimitCursorAndAll) {
  const json rule = {{"name", "Down"},
                     {"kind", "health"},
                     {"health", {{"service", "billing"}, {"condition", "instance_not_serving"}}},
                     {"for", "0s"}};
  TempDir dir;
  std::ofstream(dir.path() + "/down.json") << rule.dump();
  ASSERT_EQ(Rest({"rules", "apply", "-f", dir.path() + "/down.json"}).exit_code, 0);
  for (const char* instance : {"b-1", "b-2", "b-3"}) {
    ASSERT_EQ(Report({"health", "NOT_SERVING"}, instance).exit_code, 0);
  }
  json all;
  ASSERT_TRUE(Eventually([&] {
    all = Json({"alerts", "history", "--all", "--limit", "1"});
    return all["transitions"].size() >= 3;
  })) << all.dump();
  EXPECT_EQ(all["transitions"].size(), 3u);
  EXPECT_TRUE(all["next_cursor"].is_null());
  std::set<std::string> alerted;
  for (const auto& row : all["transitions"]) {
    EXPECT_EQ(row["rule"], "Down");
    EXPECT_EQ(row["to"], "firing");
    alerted.insert(row["labels"]["instance"].get<std::string>());
  }
  EXPECT_EQ(alerted, (std::set<std::string>{"b-1", "b-2", "b-3"}));

  const json first = Json({"alerts", "history", "--limit", "1"});
  ASSERT_EQ(first["transitions"].size(), 1u);
  ASSERT_TRUE(first["next_cursor"].is_string());
  const json second = Json({"alerts", "history", "--limit", "1", "--cursor", first["next_cursor"]});
  ASSERT_EQ(second["transitions"].size(), 1u);
  EXPECT_EQ(first["transitions"][0], all["transitions"][0]);
  EXPECT_EQ(second["transitions"][0], all["transitions"][1]);

  FgctlRun table = Rest({"alerts", "history", "--rule", "Down"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("TIME"));
  EXPECT_THAT(table.out, HasSubstr("inactive  firing"));
  EXPECT_THAT(table.out, HasSubstr("instance=b-2,service=billing"));
  FgctlRun other = Rest({"alerts", "history", "--rule", "Other"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(other.out, "no alert changes since 24h ago\n");
}

TEST_F(FgctlHistoryTest, ACursorTheGatewayDoesNotKnowFailsWithItsReason) {
  ReportFiveInstances();
  for (std::vector<std::string> args :
       {std::vector<std::string>{"history", "billing", "--cursor", "garbage"},
        std::vector<std::string>{"alerts", "history", "--cursor", "garbage"}}) {
    FgctlRun run = Rest(args);
    EXPECT_EQ(run.exit_code, 1) << args[0];
    EXPECT_TRUE(IsOneLine(run.err)) << args[0];
    EXPECT_THAT(run.err, HasSubstr("400 invalid_parameter: cursor: ")) << args[0];
  }
}

TEST_F(FgctlHistoryTest, AnUnknownServiceFailsTheSameWayWhenPaging) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"history", "nope", "--all"},
        std::vector<std::string>{"history", "nope", "--limit", "1"},
        std::vector<std::string>{"availability", "nope", "--window", "1h"}}) {
    FgctlRun run = Rest(args);
    EXPECT_EQ(run.exit_code, 1) << args[0];
    EXPECT_TRUE(IsOneLine(run.err)) << args[0];
    EXPECT_THAT(run.err, HasSubstr("404 service_not_found")) << args[0];
    EXPECT_TRUE(run.out.empty()) << run.out;
  }
}

TEST_F(FgctlHistoryTest, GlobalFlagsWorkAfterNestedSubcommands) {
  ReportFiveInstances();
  const std::string server = gateway_.http_base();
  for (std::vector<std::string> args :
       {std::vector<std::string>{"alerts", "history", "--json", "--server", server},
        std::vector<std::string>{"rules", "list", "--server", server, "--json"},
        std::vector<std::string>{"history", "billing", "--all", "--server", server, "--json"}}) {
    FgctlRun run = RunFgctl(args);
    ASSERT_EQ(run.exit_code, 0) << args[0] << ": " << run.err;
    EXPECT_FALSE(json::parse(run.out, nullptr, false).is_discarded()) << run.out;
  }
}

}  // namespace
}  // namespace fleetgate::testing
