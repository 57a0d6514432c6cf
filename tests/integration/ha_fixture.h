#pragma once
// The fixture of the high-availability tests: one real PostgreSQL (tests/support), gateways on
// it with short flush and leader-poll intervals, and the readiness, history, registry and
// /metrics reads the tests make. Every read polls nothing itself; tests wrap it in Eventually.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "gateway_process.h"
#include "http_client.h"
#include "report_builders.h"
#include "support/postgres_server.h"

namespace fleetgate::testing {

class HighAvailabilityTest : public ::testing::Test {
 protected:
  static constexpr int kInstances = 8;
  using json = nlohmann::json;

  void SetUp() override {
    server_.Start();
    url_ = server_.CreateDatabase("fleetgate");
  }

  std::unique_ptr<GatewayProcess> StartGateway(std::map<std::string, std::string> env = {}) {
    GatewayProcess::Options options;
    options.env = {{"FLEETGATE_STORAGE_BACKEND", "postgres"},
                   {"FLEETGATE_STORAGE_POSTGRES_URL", url_},
                   {"FLEETGATE_STORAGE_FLUSH_INTERVAL", "50ms"},
                   {"FLEETGATE_STORAGE_LEADER_POLL_INTERVAL", "200ms"}};
    for (auto& [key, value] : env) options.env[key] = value;
    auto gateway = std::make_unique<GatewayProcess>();
    EXPECT_TRUE(gateway->Start(options)) << gateway->Log();
    return gateway;
  }

  static json Ready(const GatewayProcess& gateway, int* status) {
    HttpResult result = HttpGet(gateway.http_base() + "/health/ready");
    *status = static_cast<int>(result.status);
    return json::parse(result.body, nullptr, false);
  }

  static bool IsReady(const GatewayProcess& gateway) {
    int status = 0;
    Ready(gateway, &status);
    return status == 200;
  }

  // Every page of the service's history, newest first.
  static json History(const GatewayProcess& gateway, const std::string& service = "checkout") {
    json all = json::array();
    std::string cursor;
    do {
      HttpResult result =
          HttpGet(gateway.http_base() + "/api/v1/services/" + service + "/history?limit=1000" +
                  (cursor.empty() ? "" : "&cursor=" + cursor));
      if (result.status != 200) return all;
      json page = json::parse(result.body, nullptr, false);
      for (const json& row : page["transitions"]) all.push_back(row);
      cursor = page["next_cursor"].is_string() ? page["next_cursor"].get<std::string>() : "";
    } while (!cursor.empty());
    return all;
  }

  static std::string InstanceStatus(const GatewayProcess& gateway, int i) {
    HttpResult result =
        HttpGet(gateway.http_base() + "/api/v1/services/checkout/instances/i-" + std::to_string(i));
    if (result.status != 200) return "";
    return json::parse(result.body, nullptr, false).value("status", "");
  }

  // The sum of the samples of `name` (whose labels contain `label_filter`) in the gateway's
  // /metrics; -1 when there is none.
  static double MetricSum(const GatewayProcess& gateway, const std::string& name,
                          const std::string& label_filter = "") {
    HttpResult result = HttpGet(gateway.http_base() + "/metrics");
    if (result.status != 200) return -1;
    double sum = -1;
    std::istringstream lines(result.body);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(name, 0) != 0 || line.size() <= name.size() ||
          (line[name.size()] != ' ' && line[name.size()] != '{') ||
          line.find(label_filter) == std::string::npos) {
        continue;
      }
      sum = (sum < 0 ? 0 : sum) + std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
  }

  static v1::HealthStatus StatusOf(int round) {
    return round % 2 == 0 ? v1::HEALTH_STATUS_SERVING : v1::HEALTH_STATUS_NOT_SERVING;
  }

  // One round: every instance reports StatusOf(round) to whichever gateway accepts it.
  static bool ReportRound(const std::vector<v1::Reporter::Stub*>& stubs, int round) {
    bool all = true;
    for (int i = 0; i < kInstances; ++i) {
      all = ReportOne(stubs, i, round) && all;
    }
    return all;
  }

  static bool ReportOne(const std::vector<v1::Reporter::Stub*>& stubs, int i, int round) {
    for (v1::Reporter::Stub* stub : stubs) {
      v1::ReportResponse response;
      if (Report(*stub,
                 Batch("checkout", "i-" + std::to_string(i), {HealthEvent(StatusOf(round))},
                       static_cast<uint64_t>(round * kInstances + i + 1)),
                 &response)
              .ok()) {
        return true;
      }
    }
    return false;
  }

  PostgresServer server_;
  std::string url_;
};

}  // namespace fleetgate::testing
