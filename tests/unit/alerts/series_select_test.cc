#include "alerts/series_select.h"

#include <gtest/gtest.h>

namespace fleetgate::alerts {
namespace {

using metrics::MetricKind;

class SeriesSelectTest : public testing::Test {
 protected:
  void Apply(MetricKind kind, const std::string& name, const std::string& instance, double value,
             std::vector<metrics::LabelView> labels = {}) {
    ASSERT_TRUE(store_.Apply(kind, name, "billing", instance, labels, value).ok());
  }

  std::shared_ptr<ManualClock> clock_ =
      std::make_shared<ManualClock>(TimePoint(std::chrono::seconds(1'000'000)));
  metrics::MetricStore store_{{}, clock_};
};

TEST_F(SeriesSelectTest, ReadsTheLatestValueOfEachGaugeSeries) {
  Apply(MetricKind::kGauge, "queue_depth", "i-1", 5);
  Apply(MetricKind::kGauge, "queue_depth", "i-1", 7);
  Apply(MetricKind::kGauge, "queue_depth", "i-2", 9);
  auto series = CurrentSeries(store_, "queue_depth");
  ASSERT_EQ(series.size(), 2u);
  double sum = 0;
  for (const auto& s : series) {
    EXPECT_EQ(s.labels.at("service"), "billing");
    sum += s.value;
  }
  EXPECT_EQ(sum, 16);
}

TEST_F(SeriesSelectTest, ReadsHistogramsThroughTheirSuffixedNames) {
  Apply(MetricKind::kHistogram, "latency_seconds", "i-1", 0.2);
  Apply(MetricKind::kHistogram, "latency_seconds", "i-1", 3);
  EXPECT_TRUE(CurrentSeries(store_, "latency_seconds").empty());
  auto count = CurrentSeries(store_, "latency_seconds_count");
  ASSERT_EQ(count.size(), 1u);
  EXPECT_EQ(count[0].value, 2);
  EXPECT_DOUBLE_EQ(CurrentSeries(store_, "latency_seconds_sum")[0].value, 3.2);
  auto buckets = CurrentSeries(store_, "latency_seconds_bucket");
  ASSERT_EQ(buckets.size(), 12u);  // 11 default bounds and +Inf
  auto le = [&](const std::string& bound) {
    for (const auto& b : buckets) {
      if (b.labels.at("le") == bound) return b.value;
    }
    return -1.0;
  };
  EXPECT_EQ(le("0.25"), 1);
  EXPECT_EQ(le("+Inf"), 2);
}

TEST_F(SeriesSelectTest, UnknownMetricHasNoSeries) {
  EXPECT_TRUE(CurrentSeries(store_, "nothing_here").empty());
  EXPECT_TRUE(CurrentSeries(store_, "nothing_here_count").empty());
}

TEST(CompiledMatchersTest, AppliesEveryOperatorAsPromQLDoes) {
  const LabelSet labels{{"service", "billing"}, {"code", "503"}};
  auto matches = [&](std::vector<Matcher> matchers) {
    return CompiledMatchers(matchers).Matches(labels);
  };
  EXPECT_TRUE(matches({{"service", MatchOp::kEqual, "billing"}}));
  EXPECT_FALSE(matches({{"service", MatchOp::kEqual, "bill"}}));
  EXPECT_TRUE(matches({{"service", MatchOp::kNotEqual, "search"}}));
  EXPECT_TRUE(matches({{"code", MatchOp::kRegexMatch, "5.."}}));
  EXPECT_FALSE(matches({{"code", MatchOp::kRegexMatch, "5"}}));  // anchored
  EXPECT_TRUE(matches({{"code", MatchOp::kRegexNoMatch, "2.."}}));
  EXPECT_FALSE(matches({{"code", MatchOp::kRegexNoMatch, "5.*"}}));
  // A missing label matches as "".
  EXPECT_TRUE(matches({{"region", MatchOp::kEqual, ""}}));
  EXPECT_FALSE(matches({{"region", MatchOp::kRegexMatch, ".+"}}));
  EXPECT_TRUE(matches({{"service", MatchOp::kEqual, "billing"}, {"code", MatchOp::kEqual, "503"}}));
  EXPECT_FALSE(
      matches({{"service", MatchOp::kEqual, "billing"}, {"code", MatchOp::kEqual, "200"}}));
}

TEST(SelectTest, KeepsOnlyMatchingSeries) {
  std::vector<SeriesSample> series{{{{"code", "200"}}, 1}, {{{"code", "500"}}, 2}};
  auto selected = Select(series, CompiledMatchers({{"code", MatchOp::kRegexMatch, "5.."}}));
  ASSERT_EQ(selected.size(), 1u);
  EXPECT_EQ(selected[0].value, 2);
}

}  // namespace
}  // namespace fleetgate::alerts
