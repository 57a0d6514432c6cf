// The ReportClient when the gateway goes away, refuses batches, or cannot keep up.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/report_client.h"
#include "unit/client/report_client_fixture.h"

namespace fleetgate::testing {
namespace {

using ::testing::HasSubstr;

const char kJobs[] = "jobs_total{instance=\"i-1\",service=\"billing\"}";
const char kLatencyCount[] = "latency_seconds_count{instance=\"i-1\",service=\"billing\"}";

TEST_F(ReportClientTest, LosesNothingWhenTheGatewayGoesAwayAndComesBack) {
  ReporterOptions options = Options();
  options.flush_interval = milliseconds(5);
  client::ReportClient reporter(options);
  reporter.Counter("jobs_total");
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  const int port = gateway_.port();

  gateway_.Stop();
  for (int i = 0; i < 10; ++i) reporter.Counter("jobs_total");
  for (int i = 0; i < 20; ++i) reporter.Observe("latency_seconds", {}, 0.25);
  reporter.Gauge("inflight", {}, 6);
  ASSERT_TRUE(Eventually([&] { return reporter.stats().batches_failed >= 2; }))
      << "keeps retrying while the gateway is away";
  EXPECT_THAT(reporter.stats().last_error, HasSubstr("UNAVAILABLE"));
  EXPECT_FALSE(reporter.Flush(milliseconds(50)));

  ASSERT_TRUE(gateway_.Start(port)) << "port " << port << " taken meanwhile";
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  EXPECT_EQ(gateway_.Value(kJobs), 11);
  EXPECT_EQ(gateway_.Value(kLatencyCount), 20);
  EXPECT_EQ(gateway_.Value("inflight{instance=\"i-1\",service=\"billing\"}"), 6);
  ReporterStats stats = reporter.stats();
  EXPECT_EQ(stats.events_dropped, 0u);
  EXPECT_EQ(stats.events_rejected, 0u);
  EXPECT_GE(stats.reconnects, 1u);
}

TEST_F(ReportClientTest, CountsDropsBeyondTheBufferBoundAndDeliversTheRest) {
  const int port = gateway_.port();
  gateway_.Stop();
  ReporterOptions options = Options();
  options.flush_interval = milliseconds(5);
  options.max_buffered_events = 10;
  client::ReportClient reporter(options);
  for (int i = 0; i < 25; ++i) reporter.Observe("latency_seconds", {}, 1);
  reporter.Counter("jobs_total");  // a new series: no room either
  EXPECT_EQ(reporter.stats().events_dropped, 16u);

  ASSERT_TRUE(gateway_.Start(port));
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  EXPECT_EQ(gateway_.Value(kLatencyCount), 10);
  EXPECT_EQ(reporter.stats().events_acknowledged, 10u);
}

TEST_F(ReportClientTest, DropsAndCountsABatchRefusedWithInvalidArgument) {
  ReporterOptions options = Options();
  options.service = "";  // the gateway refuses the whole batch
  client::ReportClient reporter(options);
  reporter.Counter("jobs_total");
  reporter.Observe("latency_seconds", {}, 1);
  ASSERT_TRUE(reporter.Flush(kFlushTimeout)) << "a refused batch is answered, not retried";
  ReporterStats stats = reporter.stats();
  EXPECT_EQ(stats.events_rejected, 2u);
  EXPECT_EQ(stats.batches_failed, 1u);
  EXPECT_EQ(stats.batches_sent, 1u);
  EXPECT_THAT(stats.last_error, HasSubstr("INVALID_ARGUMENT"));

  reporter.Counter("jobs_total");
  ASSERT_TRUE(reporter.Flush(kFlushTimeout)) << "later batches still go out on a new stream";
  EXPECT_EQ(reporter.stats().events_rejected, 3u);
  EXPECT_EQ(gateway_.Value(kJobs), -1);
}

TEST(ReportClientLimitsTest, DropsAndCountsABatchRefusedWithResourceExhausted) {
  ingest::IngestOptions limits;
  limits.max_events_per_batch = 5;
  InProcessGateway gateway(limits);
  ASSERT_TRUE(gateway.Start());
  ReporterOptions options;
  options.target = gateway.target();
  options.service = "billing";
  options.instance = "i-1";
  options.flush_interval = seconds(3600);
  client::ReportClient reporter(options);
  for (int i = 0; i < 8; ++i) reporter.Observe("latency_seconds", {}, 1);
  ASSERT_TRUE(reporter.Flush(seconds(10)));
  ReporterStats stats = reporter.stats();
  EXPECT_EQ(stats.events_rejected, 8u);
  EXPECT_THAT(stats.last_error, HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_EQ(gateway.Value(kLatencyCount), -1);
}

TEST(ReportClientShutdownTest, DestructionIsBoundedWhenTheGatewayIsUnreachable) {
  InProcessGateway gateway;
  ASSERT_TRUE(gateway.Start());
  ReporterOptions options;
  options.target = gateway.target();
  gateway.Stop();
  options.service = "billing";
  options.instance = "i-1";
  options.shutdown_timeout = milliseconds(100);
  auto started = std::chrono::steady_clock::now();
  {
    client::ReportClient reporter(options);
    reporter.Counter("jobs_total");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(3));
}

}  // namespace
}  // namespace fleetgate::testing
