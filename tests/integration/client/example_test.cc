// The real fleetgate-example against the real fleetgate: its reports arrive through the Reporter
// and it says NOT_SERVING when stopped with SIGTERM.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>

#include "gateway_process.h"
#include "http_client.h"

namespace fleetgate::testing {
namespace {

using ::testing::HasSubstr;

pid_t SpawnExample(const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env = {}) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  unsetenv("FLEETGATE_TARGET");
  for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
  int devnull = open("/dev/null", O_WRONLY);
  dup2(devnull, STDOUT_FILENO);
  dup2(devnull, STDERR_FILENO);
  std::string binary = EXAMPLE_BINARY;
  std::vector<std::string> copy = args;
  std::vector<char*> argv{binary.data()};
  for (auto& arg : copy) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

// The exit code once the process ended within the deadline, else -1.
int WaitForExit(pid_t pid) {
  int status = 0;
  bool ended = Eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; });
  return ended && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ExampleServiceTest, ReportsRequestsLatencyAndHealthUntilSigterm) {
  GatewayProcess gateway;
  ASSERT_TRUE(gateway.Start({})) << gateway.Log();
  pid_t example = SpawnExample({"--gateway", gateway.grpc_target(), "--service", "shop",
                                "--instance", "shop-1", "--flush-interval", "0.05"});
  ASSERT_GT(example, 0);
  const std::string metrics_url = gateway.http_base() + "/metrics";
  bool reported = Eventually([&] {
    std::string metrics = HttpGet(metrics_url).body;
    return metrics.find("example_requests_total{code=\"200\",instance=\"shop-1\"") !=
               std::string::npos &&
           metrics.find("example_request_duration_seconds_count{instance=\"shop-1\"") !=
               std::string::npos &&
           metrics.find("example_inflight_requests{instance=\"shop-1\"") != std::string::npos;
  });
  if (!reported) kill(example, SIGKILL);
  ASSERT_TRUE(reported) << HttpGet(metrics_url).body;

  ASSERT_EQ(kill(example, SIGTERM), 0);
  EXPECT_EQ(WaitForExit(example), 0);
  nlohmann::json instance = nlohmann::json::parse(
      HttpGet(gateway.http_base() + "/api/v1/services/shop/instances/shop-1").body);
  EXPECT_EQ(instance["status"], "NOT_SERVING");
  EXPECT_EQ(instance["detail"], "shutting down");
}

// FLEETGATE_GRPC_ADDRESS is the gateway's listen address; the example's target is FLEETGATE_TARGET.
TEST(ExampleServiceTest, ReportsToFleetgateTargetAndIgnoresTheGatewaysListenAddress) {
  GatewayProcess gateway;
  ASSERT_TRUE(gateway.Start({})) << gateway.Log();
  pid_t example = SpawnExample(
      {"--service", "env-shop", "--instance", "e-1", "--flush-interval", "0.05"},
      {{"FLEETGATE_TARGET", gateway.grpc_target()}, {"FLEETGATE_GRPC_ADDRESS", "127.0.0.1:1"}});
  ASSERT_GT(example, 0);
  const std::string metrics_url = gateway.http_base() + "/metrics";
  bool reported = Eventually(
      [&] { return HttpGet(metrics_url).body.find("instance=\"e-1\"") != std::string::npos; });
  kill(example, SIGTERM);
  WaitForExit(example);
  EXPECT_TRUE(reported) << HttpGet(metrics_url).body;
}

}  // namespace
}  // namespace fleetgate::testing
