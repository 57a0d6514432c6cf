// Start-up, probes, configuration errors and graceful stop of the real binary.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "gateway_process.h"
#include "http_client.h"
#include "report_builders.h"

namespace fleetgate::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(LifecycleTest, ProbesAnswerWhileServing) {
  GatewayProcess gateway;
  ASSERT_TRUE(gateway.Start({})) << gateway.Log();
  EXPECT_EQ(HttpGet(gateway.http_base() + "/health/live").status, 200);
  HttpResult ready = HttpGet(gateway.http_base() + "/health/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  json health = json::parse(HttpGet(gateway.http_base() + "/health").body);
  EXPECT_EQ(health["status"], "HEALTHY");
  EXPECT_FALSE(health["version"].get<std::string>().empty());
  EXPECT_GE(health["uptime_seconds"].get<double>(), 0);
  EXPECT_EQ(health["checks"]["grpc"]["status"], "ok");
  EXPECT_EQ(health["checks"]["maintenance"]["status"], "ok");
}

TEST(LifecycleTest, SigtermStopsGracefullyWithExitZero) {
  GatewayProcess gateway;
  ASSERT_TRUE(gateway.Start({})) << gateway.Log();
  auto stub = ReporterStub(gateway.grpc_target());
  // A stream with a batch in flight when the signal arrives.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = stub->StreamReport(&context);
  ASSERT_TRUE(stream->Write(Batch("billing", "i-1", {CounterEvent("jobs_total", 1)})));
  v1::ReportResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.accepted(), 1u);
  // The idle stream is closed as retryable at once; the stop does not wait for its deadline.
  auto stop_started = std::chrono::steady_clock::now();
  EXPECT_EQ(gateway.Stop(SIGTERM), 0) << gateway.Log();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(15))
      << "the stop waited for the open stream's deadline";
  EXPECT_THAT(gateway.Log(), HasSubstr("fleetgate stopped"));
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST(LifecycleTest, SigintAlsoStops) {
  GatewayProcess gateway;
  ASSERT_TRUE(gateway.Start({})) << gateway.Log();
  EXPECT_EQ(gateway.Stop(SIGINT), 0);
}

TEST(LifecycleTest, BadConfigValueExitsOneNamingTheKey) {
  auto [code, output] = GatewayProcess::RunToExit({}, {{"FLEETGATE_LOG_FORMAT", "xml"}});
  EXPECT_EQ(code, 1);
  EXPECT_THAT(output, HasSubstr("log.format"));
  std::tie(code, output) = GatewayProcess::RunToExit({"--config", "/nonexistent/fleetgate.yaml"});
  EXPECT_EQ(code, 1);
  EXPECT_THAT(output, HasSubstr("cannot read"));
}

TEST(LifecycleTest, CheckConfigAndVersionExitZero) {
  auto [code, output] = GatewayProcess::RunToExit({"--check-config"});
  EXPECT_EQ(code, 0) << output;
  std::tie(code, output) = GatewayProcess::RunToExit({"--version"});
  EXPECT_EQ(code, 0);
  EXPECT_THAT(output, HasSubstr("fleetgate "));
  std::tie(code, output) = GatewayProcess::RunToExit({"--print-config"});
  EXPECT_EQ(code, 0);
  EXPECT_THAT(output, HasSubstr("series_ttl: 15m"));
  std::tie(code, output) = GatewayProcess::RunToExit({"--no-such-flag"});
  EXPECT_NE(code, 0);
}

TEST(LifecycleTest, BusyPortExitsOneWithAClearMessage) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string busy = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  TempDir dir;
  auto [code, output] = GatewayProcess::RunToExit(
      {"--grpc-address", "127.0.0.1:0", "--http-address", busy, "--database", dir.path() + "/db"});
  close(fd);
  EXPECT_EQ(code, 1) << output;
  EXPECT_THAT(output, HasSubstr("cannot start"));
}

TEST(LifecycleTest, JsonLogsAreOneObjectPerLine) {
  GatewayProcess gateway;
  GatewayProcess::Options options;
  options.args = {"--log-format", "json"};
  ASSERT_TRUE(gateway.Start(options)) << gateway.Log();
  ASSERT_EQ(gateway.Stop(SIGTERM), 0);
  std::istringstream lines(gateway.Log());
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    json entry = json::parse(line);
    EXPECT_TRUE(entry.contains("time") && entry.contains("level") && entry.contains("msg")) << line;
    ++count;
  }
  EXPECT_GE(count, 2);
}

}  // namespace
}  // namespace fleetgate::testing
