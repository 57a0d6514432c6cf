#include "metrics/self_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "metrics/exposition.h"
#include "metrics/process_collector.h"
#include "metrics/rejection.h"

namespace fleetgate::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(IngestMetricsTest, ExportsEveryReasonFromZero) {
  auto registry = std::make_shared<prometheus::Registry>();
  IngestMetrics metrics(*registry);
  metrics.rejected(reason::kNegativeDelta).Increment();
  Exposition exposition;
  exposition.Add(registry);
  std::string text = exposition.Render();
  for (auto why : reason::kAll) {
    EXPECT_THAT(text,
                HasSubstr("fleetgate_events_rejected_total{reason=\"" + std::string(why) + "\"}"));
  }
  EXPECT_THAT(text, HasSubstr("reason=\"negative_delta\"} 1"));
  EXPECT_THAT(text, HasSubstr("fleetgate_batches_total{rpc=\"StreamReport\"} 0"));
}

TEST(IngestMetricsTest, AnUnknownReasonIsNotExportedAndDoesNotFailTheRequest) {
  auto registry = std::make_shared<prometheus::Registry>();
  IngestMetrics metrics(*registry);
  metrics.rejected("no_such_reason").Increment();
  Exposition exposition;
  exposition.Add(registry);
  EXPECT_THAT(exposition.Render(), Not(HasSubstr("no_such_reason")));
}

TEST(ProcessCollectorTest, ReadsThisProcess) {
  Exposition exposition;
  exposition.Add(std::make_shared<ProcessCollector>());
  std::string text = exposition.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter"));
  EXPECT_THAT(text, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(text, HasSubstr("process_open_fds "));
  EXPECT_THAT(text, HasSubstr("process_start_time_seconds "));
  auto families = ProcessCollector().Collect();
  for (const auto& family : families) {
    if (family.name == "process_resident_memory_bytes") {
      EXPECT_GT(family.metric.at(0).gauge.value, 1024 * 1024);
    }
    if (family.name == "process_start_time_seconds") {
      EXPECT_GT(family.metric.at(0).gauge.value, 1.6e9);
    }
  }
}

}  // namespace
}  // namespace fleetgate::metrics
