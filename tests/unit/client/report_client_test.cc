#include "client/report_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "unit/client/report_client_fixture.h"

namespace fleetgate::testing {
namespace {

using ::testing::HasSubstr;

const char kRequests[] = "requests_total{code=\"200\",instance=\"i-1\",service=\"billing\"}";
const char kLatencyCount[] = "latency_seconds_count{instance=\"i-1\",service=\"billing\"}";

TEST_F(ReportClientTest, PreAggregatesCounterDeltasIntoOneEventPerSeries) {
  client::ReportClient reporter(Options());
  for (int i = 0; i < 100; ++i) reporter.Counter("requests_total", {{"code", "200"}});
  reporter.Counter("requests_total", {{"code", "500"}}, 2.5);
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  EXPECT_EQ(gateway_.Value(kRequests), 100);
  EXPECT_EQ(gateway_.Value("requests_total{code=\"500\",instance=\"i-1\",service=\"billing\"}"),
            2.5);
  ReporterStats stats = reporter.stats();
  EXPECT_EQ(stats.events_sent, 2u);
  EXPECT_EQ(stats.events_acknowledged, 2u);
  EXPECT_EQ(stats.batches_sent, 1u);
}

TEST_F(ReportClientTest, SendsOnlyTheLastGaugeValueBetweenFlushes) {
  client::ReportClient reporter(Options());
  for (double value : {3.0, 9.0, 4.0}) reporter.Gauge("inflight", {}, value);
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  EXPECT_EQ(gateway_.Value("inflight{instance=\"i-1\",service=\"billing\"}"), 4);
  EXPECT_EQ(reporter.stats().events_sent, 1u);
}

TEST_F(ReportClientTest, SendsEveryObservation) {
  client::ReportClient reporter(Options());
  for (double value : {0.1, 0.2, 0.3, 0.4}) reporter.Observe("latency_seconds", {}, value);
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  EXPECT_EQ(gateway_.Value(kLatencyCount), 4);
  EXPECT_DOUBLE_EQ(gateway_.Value("latency_seconds_sum{instance=\"i-1\",service=\"billing\"}"), 1);
}

TEST_F(ReportClientTest, AddsStaticLabelsFromTheOptions) {
  ReporterOptions options = Options();
  options.labels = {{"region", "eu"}};
  client::ReportClient reporter(options);
  reporter.Counter("jobs_total");
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  EXPECT_EQ(gateway_.Value("jobs_total{instance=\"i-1\",region=\"eu\",service=\"billing\"}"), 1);
}

TEST_F(ReportClientTest, SendsEveryFlushIntervalWithoutBeingAsked) {
  ReporterOptions options = Options();
  options.flush_interval = milliseconds(20);
  client::ReportClient reporter(options);
  reporter.Counter("requests_total", {{"code", "200"}}, 3);
  EXPECT_TRUE(Eventually([&] { return gateway_.Value(kRequests) == 3; }));
}

TEST_F(ReportClientTest, SendsAsSoonAsMaxBatchEventsArePending) {
  ReporterOptions options = Options();
  options.max_batch = 10;
  client::ReportClient reporter(options);
  for (int i = 0; i < 10; ++i) reporter.Observe("latency_seconds", {}, 0.5);
  EXPECT_TRUE(Eventually([&] { return gateway_.Value(kLatencyCount) == 10; }));
}

TEST_F(ReportClientTest, ReportsHealthWithItsTtlAndChecks) {
  ReporterOptions options = Options();
  options.heartbeat_ttl = seconds(7);
  client::ReportClient reporter(options);
  reporter.Health(HealthStatus::kDegraded, "db slow", {{"db", HealthStatus::kDegraded, "p99 2s"}});
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  std::optional<health::Instance> instance = gateway_.registry().Find("billing", "i-1");
  ASSERT_TRUE(instance.has_value());
  EXPECT_EQ(instance->status, health::Status::kDegraded);
  EXPECT_EQ(instance->detail, "db slow");
  EXPECT_EQ(instance->version, "1.2.3");
  EXPECT_EQ(instance->ttl, seconds(7));
  ASSERT_EQ(instance->checks.size(), 1u);
  EXPECT_EQ(instance->checks[0].name, "db");
}

TEST_F(ReportClientTest, HeartbeatRepeatsTheLastHealth) {
  ReporterOptions options = Options();
  options.heartbeat_interval = milliseconds(20);
  client::ReportClient reporter(options);
  reporter.Health(HealthStatus::kServing);
  EXPECT_TRUE(Eventually(
      [&] { return gateway_.Value("fleetgate_events_accepted_total{kind=\"health\"}") >= 4; }));
  EXPECT_GE(reporter.stats().heartbeats, 3u);
  std::optional<health::Instance> instance = gateway_.registry().Find("billing", "i-1");
  ASSERT_TRUE(instance.has_value());
  EXPECT_EQ(instance->status, health::Status::kServing);
}

TEST_F(ReportClientTest, FlushWithNothingBufferedReturnsAtOnce) {
  client::ReportClient reporter(Options());
  EXPECT_TRUE(reporter.Flush(milliseconds(0)));
}

TEST_F(ReportClientTest, DestructionFlushesWhatIsBuffered) {
  {
    client::ReportClient reporter(Options());
    reporter.Counter("requests_total", {{"code", "200"}}, 5);
    reporter.Observe("latency_seconds", {}, 0.1);
  }
  EXPECT_EQ(gateway_.Value(kRequests), 5);
  EXPECT_EQ(gateway_.Value(kLatencyCount), 1);
}

TEST_F(ReportClientTest, ConcurrentCallersAllAddUp) {
  ReporterOptions options = Options();
  options.flush_interval = milliseconds(2);
  options.max_batch = 50;
  client::ReportClient reporter(options);
  constexpr int kThreads = 8;
  constexpr int kCalls = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i) {
        reporter.Counter("requests_total", {{"code", "200"}});
        if (i % 100 == 0) reporter.Observe("latency_seconds", {}, 0.01);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  EXPECT_EQ(gateway_.Value(kRequests), kThreads * kCalls);
  EXPECT_EQ(gateway_.Value(kLatencyCount), kThreads * kCalls / 100);
  EXPECT_EQ(reporter.stats().events_dropped, 0u);
}

TEST_F(ReportClientTest, CountsEventsTheGatewayRejectsOneByOne) {
  client::ReportClient reporter(Options());
  reporter.Counter("requests_total", {{"code", "200"}});
  reporter.Gauge("bad name", {}, 1);
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  ReporterStats stats = reporter.stats();
  EXPECT_EQ(stats.events_acknowledged, 2u);
  EXPECT_EQ(stats.events_rejected, 1u);
  EXPECT_EQ(gateway_.Value(kRequests), 1);
}

TEST_F(ReportClientTest, RefusesANegativeCounterDeltaLocally) {
  client::ReportClient reporter(Options());
  reporter.Counter("requests_total", {{"code", "200"}}, 4);
  reporter.Counter("requests_total", {{"code", "200"}}, -1);
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  EXPECT_EQ(gateway_.Value(kRequests), 4);
  EXPECT_EQ(reporter.stats().events_dropped, 1u);
}

TEST_F(ReportClientTest, ZeroSizesAndIntervalsStillDeliver) {
  ReporterOptions options = Options();
  options.max_batch = 0;
  options.flush_interval = milliseconds(0);
  client::ReportClient reporter(options);
  for (int i = 0; i < 3; ++i) reporter.Observe("latency_seconds", {}, 1);
  ASSERT_TRUE(reporter.Flush(kFlushTimeout));
  EXPECT_EQ(gateway_.Value(kLatencyCount), 3);
  EXPECT_EQ(reporter.stats().batches_sent, 3u);
}

}  // namespace
// Code written against the 0.x names keeps compiling (with a deprecation warning) for a release.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
TEST_F(ReportClientTest, TheDeprecatedNamesStillReport) {
  Reporter reporter(Options());
  reporter.counter("requests_total", {{"code", "200"}}, 2);
  reporter.gauge("inflight", {}, 3);
  reporter.observe("latency_seconds", {}, 0.1);
  reporter.health(HealthStatus::kServing, "ok");
  ASSERT_TRUE(reporter.flush(kFlushTimeout));
  EXPECT_EQ(gateway_.Value(kRequests), 2);
  EXPECT_EQ(gateway_.Value(kLatencyCount), 1);
}
#pragma GCC diagnostic pop

}  // namespace fleetgate::testing
