// The real fleetgate-example against the real fleetgate: its reports arrive through the Reporter
// and it says NOT_SERVING when stopped with SIGTERM.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "client/example_process.h"
#include "gateway_process.h"
#include "http_client.h"

namespace fleetgate::testing {
namespace {

using ::testing::HasSubstr;

TEST(ExampleServiceTest, ReportsRequestsLatencyAndHealthUntilSigterm) {
  GatewayProcess gateway;
  ASSERT_TRUE(gateway.Start({})) << gateway.Log();
  ExampleProcess example({"--gateway", gateway.grpc_target(), "--service", "shop", "--instance",
                          "shop-1", "--flush-interval", "0.05"});
  ASSERT_TRUE(example.started());
  const std::string metrics_url = gateway.http_base() + "/metrics";
  bool reported = Eventually([&] {
    std::string metrics = HttpGet(metrics_url).body;
    return metrics.find("example_requests_total{code=\"200\",instance=\"shop-1\"") !=
               std::string::npos &&
           metrics.find("example_request_duration_seconds_count{instance=\"shop-1\"") !=
               std::string::npos &&
           metrics.find("example_inflight_requests{instance=\"shop-1\"") != std::string::npos;
  });
  ASSERT_TRUE(reported) << HttpGet(metrics_url).body;

  EXPECT_EQ(example.Stop(), 0) << example.Stderr();
  nlohmann::json instance = nlohmann::json::parse(
      HttpGet(gateway.http_base() + "/api/v1/services/shop/instances/shop-1").body);
  EXPECT_EQ(instance["status"], "NOT_SERVING");
  EXPECT_EQ(instance["detail"], "shutting down");
}

// FLEETGATE_GRPC_ADDRESS is the gateway's listen address; the example's target is FLEETGATE_TARGET.
TEST(ExampleServiceTest, ReportsToFleetgateTargetAndIgnoresTheGatewaysListenAddress) {
  GatewayProcess gateway;
  ASSERT_TRUE(gateway.Start({})) << gateway.Log();
  ExampleProcess example(
      {"--service", "env-shop", "--instance", "e-1", "--flush-interval", "0.05"},
      {{"FLEETGATE_TARGET", gateway.grpc_target()}, {"FLEETGATE_GRPC_ADDRESS", "127.0.0.1:1"}});
  ASSERT_TRUE(example.started());
  const std::string metrics_url = gateway.http_base() + "/metrics";
  bool reported = Eventually(
      [&] { return HttpGet(metrics_url).body.find("instance=\"e-1\"") != std::string::npos; });
  example.Stop();
  EXPECT_TRUE(reported) << HttpGet(metrics_url).body;
}

}  // namespace
}  // namespace fleetgate::testing
