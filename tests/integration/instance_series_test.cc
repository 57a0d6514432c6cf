// The registry's fleetgate_instance_* series count in limits.max_series_total, through the real
// binary: a flood of new instances stops at the series cap (instance_limit), metrics of the
// refused instances are refused too, and /metrics stays within the cap.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "gateway_process.h"
#include "http_client.h"
#include "report_builders.h"

namespace fleetgate::testing {
namespace {

size_t CountLines(const std::string& text, const std::regex& pattern) {
  return static_cast<size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), pattern),
                                           std::sregex_iterator()));
}

TEST(InstanceSeriesTest, AFloodOfInstancesStopsAtTheSeriesCap) {
  GatewayProcess gateway;
  GatewayProcess::Options options;
  options.env["FLEETGATE_LIMITS_MAX_SERIES_TOTAL"] = "70";  // 10 instances of 7 series each
  ASSERT_TRUE(gateway.Start(options)) << gateway.Log();
  auto stub = ReporterStub(gateway.grpc_target());
  int refused = 0;
  for (int i = 0; i < 20; ++i) {
    v1::ReportResponse response;
    ASSERT_TRUE(Report(*stub,
                       Batch("flood", "i-" + std::to_string(i),
                             {HealthEvent(v1::HEALTH_STATUS_SERVING), GaugeEvent("load", 1)}),
                       &response)
                    .ok());
    for (const auto& rejection : response.rejections()) {
      EXPECT_EQ(rejection.reason(), "instance_limit") << rejection.message();
    }
    if (response.accepted() == 0) ++refused;
  }
  // 7 series per instance: 10 instances fill the 70; the first instances' gauges take room too,
  // so fewer fit, and every later instance is refused whole.
  EXPECT_GE(refused, 10);
  const std::string metrics = HttpGet(gateway.http_base() + "/metrics").body;
  const size_t instance_series =
      CountLines(metrics, std::regex("\nfleetgate_instance_(up|status)\\{[^}]*service=\"flood\""));
  const size_t reported = CountLines(metrics, std::regex("\nload\\{"));
  EXPECT_LE(instance_series + reported, 70u) << metrics;
  EXPECT_EQ(instance_series, (20 - refused) * 7u);
  EXPECT_THAT(metrics, ::testing::ContainsRegex(
                           "fleetgate_events_rejected_total\\{[^}]*reason=\"instance_limit\"\\} "
                           "[1-9]"));
}

}  // namespace
}  // namespace fleetgate::testing
