// The C++ ReportClient against the real fleetgate throttling its service (ingest.rate_limit): the
// gateway refuses with RESOURCE_EXHAUSTED and `retry-after-ms`, the client waits that long instead
// of hot-looping, and every event it queued is accepted once the quota refills.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "client/report_client.h"
#include "gateway_process.h"
#include "http_client.h"

namespace fleetgate::testing {
namespace {

using std::chrono::seconds;

constexpr double kQuota = 1000;  // events/s of the service "chatty", burst one second's worth
constexpr size_t kBatch = 250;   // the client's max_batch: four batches per second of quota
constexpr int kObservations = 4000;

// The value of the sample `series` (name and labels as exposed) in a text exposition; NaN if
// absent.
double Sample(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nan("");
}

class ReportClientThrottleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string config = gateway_.dir().path() + "/fleetgate.yaml";
    std::ofstream(config) << "ingest:\n  rate_limit:\n    overrides:\n      chatty: "
                             "{events_per_second: "
                          << kQuota << ", burst: " << kQuota << "}\n";
    GatewayProcess::Options options;
    options.args = {"--config", config};
    ASSERT_TRUE(gateway_.Start(options)) << gateway_.Log();
  }

  double Metric(const std::string& series) {
    return Sample(HttpGet(gateway_.http_base() + "/metrics").body, series);
  }

  ReporterOptions Options() const {
    ReporterOptions options;
    options.target = gateway_.grpc_target();
    options.service = "chatty";
    options.instance = "c-1";
    options.max_batch = kBatch;
    options.flush_interval = std::chrono::milliseconds(10);
    return options;
  }

  GatewayProcess gateway_;
};

TEST_F(ReportClientThrottleTest, WaitsTheGatewaysRetryHintAndLosesNoEvent) {
  client::ReportClient reporter(Options());
  const auto started = std::chrono::steady_clock::now();
  // Four seconds of quota queued at once: everything past the burst is over the quota.
  for (int i = 0; i < kObservations; ++i) {
    reporter.Observe("chatty_latency_seconds", {}, 0.001 * i);
    reporter.Counter("chatty_requests_total");
  }
  const std::string labels = "{instance=\"c-1\",service=\"chatty\"}";
  // (c) Everything queued is accepted once the quota refills. Observations travel one by one (the
  // counter's deltas are summed into the first batch), so their count shows the last batch landed.
  const std::string count = "chatty_latency_seconds_count" + labels;
  ASSERT_TRUE(Eventually([&] { return Metric(count) == kObservations; }, seconds(60)))
      << Metric(count);
  const double run_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(reporter.Flush(seconds(10)));
  EXPECT_EQ(Metric("chatty_requests_total" + labels), kObservations);
  const ReporterStats stats = reporter.stats();
  EXPECT_EQ(stats.events_rejected, 0u);
  EXPECT_EQ(stats.events_dropped, 0u);

  // (a) The gateway throttled: RESOURCE_EXHAUSTED with retry-after-ms (the client counts a failed
  // batch as throttled only when the trailer came with it), and its rate_limited counters grew.
  EXPECT_GT(stats.batches_throttled, 0u);
  EXPECT_THAT(stats.last_error, ::testing::HasSubstr("RESOURCE_EXHAUSTED"));
  const double limited = Metric("fleetgate_events_rejected_total{reason=\"rate_limited\"}");
  EXPECT_GT(limited, 0);
  EXPECT_EQ(Metric("fleetgate_ingest_rate_limited_events_total{service=\"chatty\"}"), limited);

  // (b) No hot loop. A refused batch of kBatch events, sent right after the bucket was emptied, is
  // told to wait about kBatch / kQuota (250 ms); waiting that long before each retry allows about
  // one refused attempt per hint over the run. Three times that (plus slack for the first and last
  // batches) is generous; a client that ignored the hint would make thousands of attempts.
  const double hint_seconds = kBatch / kQuota;
  const double bound = 3 * std::ceil(run_seconds / hint_seconds) + 3;
  EXPECT_LE(stats.batches_throttled, bound) << "over " << run_seconds << " s";
  // What the gateway saw: each refused attempt carried at most kBatch events.
  EXPECT_LE(limited, bound * kBatch);
  EXPECT_GE(limited, static_cast<double>(stats.batches_throttled));
}

}  // namespace
}  // namespace fleetgate::testing
