// The real fgctl against the real fleetgate: reporting over gRPC, fleet queries over REST, and the
// one-line failures an operator sees.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "client/fgctl_fixture.h"
#include "http_client.h"

namespace fleetgate::testing {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(FgctlTest, ReportsHealthAndMetricsThatTheGatewayThenServes) {
  FgctlRun health = Report({"health", "degraded", "--detail", "db slow", "--check",
                            "db=DEGRADED:p99 2s", "--ttl", "60"});
  ASSERT_EQ(health.exit_code, 0) << health.err;
  EXPECT_THAT(health.out, HasSubstr("accepted health event from billing/i-1"));
  ASSERT_EQ(Report({"counter", "requests_total", "3", "-l", "code=200"}).exit_code, 0);
  ASSERT_EQ(Report({"gauge", "queue_depth", "7"}).exit_code, 0);
  ASSERT_EQ(Report({"observe", "latency_seconds", "0.25"}).exit_code, 0);

  std::string metrics = HttpGet(gateway_.http_base() + "/metrics").body;
  EXPECT_THAT(metrics,
              HasSubstr("requests_total{code=\"200\",instance=\"i-1\",service=\"billing\"} 3"));
  EXPECT_THAT(metrics, HasSubstr("queue_depth{instance=\"i-1\",service=\"billing\"} 7"));
  EXPECT_THAT(metrics, HasSubstr("latency_seconds_count{instance=\"i-1\",service=\"billing\"} 1"));
}

TEST_F(FgctlTest, ListsServicesAsATableAndOneServiceAsJson) {
  ASSERT_EQ(Report({"health", "SERVING"}).exit_code, 0);

  FgctlRun services = Rest({"services"});
  ASSERT_EQ(services.exit_code, 0) << services.err;
  EXPECT_THAT(services.out, HasSubstr("SERVICE"));
  EXPECT_THAT(services.out, HasSubstr("billing"));
  EXPECT_TRUE(services.err.empty());

  FgctlRun service = Rest({"--json", "service", "billing"});
  ASSERT_EQ(service.exit_code, 0) << service.err;
  nlohmann::json body = nlohmann::json::parse(service.out);
  EXPECT_EQ(body["service"], "billing");
  ASSERT_EQ(body["instances"].size(), 1u);
  EXPECT_EQ(body["instances"][0]["instance"], "i-1");
  EXPECT_EQ(body["instances"][0]["status"], "SERVING");
  EXPECT_EQ(body["instances"][0]["version"], "1.4.2");

  FgctlRun table = Rest({"service", "billing"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("i-1"));
  EXPECT_THAT(table.out, HasSubstr("SERVING"));
}

TEST_F(FgctlTest, ReadsTheServerFromTheEnvironment) {
  ASSERT_EQ(Report({"health", "SERVING"}).exit_code, 0);
  FgctlRun run = RunFgctl({"--json", "services"}, {{"FLEETGATE_URL", gateway_.http_base()}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["services"][0]["service"], "billing");
}

// FLEETGATE_GRPC_ADDRESS is the gateway's listen address; fgctl's target is FLEETGATE_TARGET.
TEST_F(FgctlTest, ReportsToFleetgateTargetAndIgnoresTheGatewaysListenAddress) {
  const std::vector<std::string> report = {"--timeout",  "3",   "report", "--service", "billing",
                                           "--instance", "i-1", "health", "SERVING"};
  const std::string nowhere = "127.0.0.1:1";
  FgctlRun own = RunFgctl(
      report, {{"FLEETGATE_TARGET", gateway_.grpc_target()}, {"FLEETGATE_GRPC_ADDRESS", nowhere}});
  EXPECT_EQ(own.exit_code, 0) << own.err;
  FgctlRun gateways = RunFgctl(
      report, {{"FLEETGATE_TARGET", nowhere}, {"FLEETGATE_GRPC_ADDRESS", gateway_.grpc_target()}});
  EXPECT_EQ(gateways.exit_code, 1) << gateways.out;
}

TEST_F(FgctlTest, UnknownServiceFailsWithTheGatewaysReason) {
  FgctlRun run = Rest({"service", "nope"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(IsOneLine(run.err));
  EXPECT_THAT(run.err, HasSubstr("404 service_not_found"));
}

TEST_F(FgctlTest, UnknownServiceFailsTheSameWayForHistoryAndAvailability) {
  for (const char* command : {"service", "history", "availability"}) {
    FgctlRun run = Rest({command, "nope"});
    EXPECT_EQ(run.exit_code, 1) << command << ": " << run.out;
    EXPECT_TRUE(IsOneLine(run.err)) << command;
    EXPECT_THAT(run.err, HasSubstr("404 service_not_found")) << command;
  }
}

TEST_F(FgctlTest, GlobalFlagsWorkAfterTheSubcommandAndCountsReadAsWords) {
  ASSERT_EQ(Report({"health", "SERVING"}).exit_code, 0);
  FgctlRun run = RunFgctl({"services", "--json", "--server", gateway_.http_base()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["services"][0]["service"], "billing");
  FgctlRun service = Rest({"service", "billing"});
  ASSERT_EQ(service.exit_code, 0) << service.err;
  EXPECT_THAT(service.out, HasSubstr("billing: 1 instance, worst SERVING"));
}

TEST_F(FgctlTest, DeregisterRemovesAnInstanceAndAnUnknownOneFails) {
  ASSERT_EQ(Report({"health", "SERVING"}).exit_code, 0);
  FgctlRun run = Rest({"deregister", "billing", "i-1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("billing/i-1: deregistered"));
  EXPECT_EQ(HttpGet(gateway_.http_base() + "/api/v1/services/billing/instances/i-1").status, 404);
  FgctlRun again = Rest({"deregister", "billing", "i-1"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(IsOneLine(again.err));
  EXPECT_THAT(again.err, HasSubstr("404"));
}

TEST_F(FgctlTest, StatusShowsTheGatewaysHealthAndTheFleet) {
  ASSERT_EQ(Report({"health", "SERVING"}).exit_code, 0);
  FgctlRun run = Rest({"status"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("fleetgate "));
  EXPECT_THAT(run.out, HasSubstr("fleet: 1 service, 1 instance, 1 SERVING"));
  FgctlRun json = Rest({"status", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json body = nlohmann::json::parse(json.out);
  EXPECT_TRUE(body["health"].contains("status"));
  EXPECT_EQ(body["fleet"]["services"][0]["service"], "billing");
}

TEST_F(FgctlTest, RejectedEventFailsWithTheReason) {
  FgctlRun run = Report({"counter", "requests"});  // a counter name must end in _total
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(IsOneLine(run.err));
  EXPECT_THAT(run.err, HasSubstr("rejected: "));
}

TEST_F(FgctlTest, UnreachableServerFailsWithOneLine) {
  gateway_.Stop(SIGTERM);
  FgctlRun rest = RunFgctl({"--server", gateway_.http_base(), "--timeout", "5", "services"});
  EXPECT_EQ(rest.exit_code, 1);
  EXPECT_TRUE(IsOneLine(rest.err));
  EXPECT_THAT(rest.err, HasSubstr("cannot reach fleetgate at " + gateway_.http_base()));

  FgctlRun grpc = RunFgctl({"--grpc-server", gateway_.grpc_target(), "--timeout", "5", "report",
                            "--service", "billing", "health", "SERVING"});
  EXPECT_EQ(grpc.exit_code, 1);
  EXPECT_TRUE(IsOneLine(grpc.err));
  EXPECT_THAT(grpc.err, HasSubstr("cannot report to fleetgate at " + gateway_.grpc_target()));
}

// A server that answers a route with 404 not_found (an older fleetgate, or a wrong path prefix
// as here) gets one line naming the route, not a raw HTTP error.
TEST_F(FgctlTest, ARouteTheServerDoesNotServeIsNamed) {
  FgctlRun run = RunFgctl({"--server", gateway_.http_base() + "/old", "rules", "list"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(IsOneLine(run.err));
  EXPECT_THAT(run.err, HasSubstr("this fleetgate does not serve GET /api/v1/rules yet"));
}

TEST_F(FgctlTest, RulesApplyChecksTheFileBeforeCallingTheGateway) {
  TempDir dir;
  const std::string file = dir.path() + "/rules.json";
  std::ofstream(file) << R"([{"name": "high-errors"}, {"for": "5m"}])";
  FgctlRun run = Rest({"rules", "apply", "-f", file});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(IsOneLine(run.err));
  EXPECT_THAT(run.err, HasSubstr("every rule needs a string \"name\""));

  FgctlRun missing = Rest({"rules", "apply", "-f", dir.path() + "/none.json"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("cannot read"));
}

TEST_F(FgctlTest, RulesApplyCreatesThenReplacesAndListGetDeleteAndAlertsWork) {
  TempDir dir;
  const std::string file = dir.path() + "/rules.json";
  std::ofstream(file) << R"({"rules": [{"name": "HighErrors", "kind": "metric",
      "metric": {"name": "errors_total", "aggregation": "rate", "window": "5m"},
      "op": ">", "threshold": 1, "for": "5m", "annotations": {"summary": "errors"}}]})";
  FgctlRun created = Rest({"rules", "apply", "-f", file});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out, "rule HighErrors created\n");
  FgctlRun replaced = Rest({"rules", "apply", "-f", file});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_EQ(replaced.out, "rule HighErrors replaced\n");

  FgctlRun list = Rest({"rules", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("HighErrors"));
  EXPECT_THAT(list.out, HasSubstr("sum(rate(errors_total[5m])) > 1"));
  FgctlRun get = Rest({"--json", "rules", "get", "HighErrors"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(nlohmann::json::parse(get.out)["rule"]["metric"]["window"], "5m");
  // What `rules get --json` prints can be applied back.
  std::ofstream(file) << get.out;
  FgctlRun reapplied = Rest({"rules", "apply", "-f", file});
  ASSERT_EQ(reapplied.exit_code, 0) << reapplied.err;
  FgctlRun alerts = Rest({"alerts"});
  ASSERT_EQ(alerts.exit_code, 0) << alerts.err;
  EXPECT_THAT(alerts.out, HasSubstr("no active alerts"));

  FgctlRun deleted = Rest({"rules", "delete", "HighErrors"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  FgctlRun missing = Rest({"rules", "get", "HighErrors"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(IsOneLine(missing.err));
  EXPECT_THAT(missing.err, HasSubstr("no rule named HighErrors"));
}

TEST_F(FgctlTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(RunFgctl({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(RunFgctl({"report", "counter", "x_total"}).exit_code, 2) << "--service is required";
}

}  // namespace
}  // namespace fleetgate::testing
