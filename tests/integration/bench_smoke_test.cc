// fleetgate-bench against the real gateway: a short run in each mode must finish by itself, report
// one JSON line with no errors, and its acknowledged events must equal what the gateway counted.
// Every acknowledged event adds exactly 1 to its series (a delta of 1, or an OTLP cumulative value
// one higher than the last export's), so the bench's series must also sum to that count.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "gateway_process.h"
#include "http_client.h"

namespace fleetgate::testing {
namespace {

class BenchSmokeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(gateway_.Start({})) << gateway_.Log(); }

  // Runs fleetgate-bench to completion; returns its stdout (stderr passes through).
  std::string RunBench(const std::string& mode, const std::string& batch,
                       const std::string& extra) {
    std::string command = std::string("'") + FLEETGATE_BENCH_BINARY + "' --target " +
                          gateway_.grpc_target() + " --mode " + mode + " --duration 2 --batch " +
                          batch + " --series 300 --connections 2 --services 3 --json " + extra;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return "";
    std::string out;
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    exit_code_ = pclose(pipe);
    return out;
  }

  // The value of one sample line of /metrics, or -1 if absent.
  double Sample(const std::string& series) {
    HttpResult result = HttpGet(gateway_.http_base() + "/metrics");
    EXPECT_EQ(result.status, 200) << result.error;
    size_t at = result.body.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::strtod(result.body.c_str() + at + series.size() + 2, nullptr);
  }

  // The sum of every sample on /metrics whose name starts with `prefix`.
  double SumOfSamples(const std::string& prefix) {
    HttpResult result = HttpGet(gateway_.http_base() + "/metrics");
    EXPECT_EQ(result.status, 200) << result.error;
    std::istringstream lines(result.body);
    double sum = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(prefix, 0) != 0) continue;
      sum += std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
    }
    return sum;
  }

  // The run's JSON result (null if it did not print one line).
  nlohmann::json ExpectRunMatchesGateway(const std::string& mode, const std::string& batch,
                                         const std::string& extra = "") {
    std::string out = RunBench(mode, batch, extra);
    EXPECT_EQ(exit_code_, 0) << out;
    if (std::count(out.begin(), out.end(), '\n') != 1) {
      ADD_FAILURE() << "not one line: " << out;
      return nullptr;
    }
    nlohmann::json result = nlohmann::json::parse(out);
    EXPECT_EQ(result["mode"], mode);
    uint64_t events = result["events"].get<uint64_t>();
    EXPECT_GT(events, 0u);
    EXPECT_EQ(result["errors"].get<uint64_t>(), 0u);
    EXPECT_GT(result["seconds"].get<double>(), 1.9);
    EXPECT_GT(result["events_per_second"].get<double>(), 0);
    EXPECT_GT(result["rpcs_per_second"].get<double>(), 0);
    EXPECT_GT(result["latency_ms"]["p99"].get<double>(), 0);
    EXPECT_GE(result["latency_ms"]["p99"].get<double>(), result["latency_ms"]["p50"].get<double>());
    EXPECT_EQ(Sample("fleetgate_events_accepted_total{kind=\"counter\"}"),
              static_cast<double>(events));
    EXPECT_EQ(SumOfSamples("bench_requests_"), static_cast<double>(events));
    return result;
  }

  void ExpectPaced(const std::string& mode) {
    nlohmann::json result = ExpectRunMatchesGateway(mode, "10", "--rate 1000");
    ASSERT_TRUE(result.is_object());
    EXPECT_LE(result["events"].get<double>(), 1000 * result["seconds"].get<double>() + 10);
    EXPECT_EQ(result["pacing"]["target_events_per_second"].get<double>(), 1000);
    EXPECT_GT(result["pacing"]["offered_events_per_second"].get<double>(), 0);
    EXPECT_TRUE(result["pacing"].contains("missed_slots"));
  }

  GatewayProcess gateway_;
  int exit_code_ = -1;
};

TEST_F(BenchSmokeTest, StreamModeCountsExactlyWhatTheGatewayAccepted) {
  ExpectRunMatchesGateway("stream", "50");
}

TEST_F(BenchSmokeTest, UnaryModeCountsExactlyWhatTheGatewayAccepted) {
  ExpectRunMatchesGateway("unary", "1");
}

// --rate 1000 in batches of 10: one batch every 10 ms over both connections, never ahead of that
// schedule, so the run cannot send more than 1000 events per second of it (plus the first batch).
// Closed loop, the same run sends a hundred times more.
TEST_F(BenchSmokeTest, RatePacesAUnaryRunAndReportsIt) { ExpectPaced("unary"); }

TEST_F(BenchSmokeTest, RatePacesAStreamRunAndReportsIt) { ExpectPaced("stream"); }

TEST_F(BenchSmokeTest, RatePacesAnOtlpRunAndReportsIt) { ExpectPaced("otlp"); }

// 300 series over 2 connections in exports of 100 points: two full exports and a short one each.
TEST_F(BenchSmokeTest, OtlpModeCountsExactlyWhatTheGatewayAccepted) {
  ExpectRunMatchesGateway("otlp", "100");
}

}  // namespace
}  // namespace fleetgate::testing
