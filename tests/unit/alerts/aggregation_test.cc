#include "alerts/aggregation.h"

#include <gtest/gtest.h>

namespace fleetgate::alerts {
namespace {

using std::chrono::seconds;

const std::vector<SeriesSample> kSeries{
    {{{"service", "a"}, {"instance", "1"}}, 1},
    {{{"service", "a"}, {"instance", "2"}}, 3},
    {{{"service", "b"}, {"instance", "1"}}, 10},
};

double Only(const std::vector<Sample>& samples) {
  EXPECT_EQ(samples.size(), 1u);
  EXPECT_TRUE(samples.empty() || samples[0].labels.empty());
  return samples.empty() ? -1 : samples[0].value;
}

TEST(AggregateTest, AggregatesEverySeriesIntoOneGroupWithoutBy) {
  EXPECT_EQ(Only(Aggregate(kSeries, Aggregation::kSum, {})), 14);
  EXPECT_EQ(Only(Aggregate(kSeries, Aggregation::kMin, {})), 1);
  EXPECT_EQ(Only(Aggregate(kSeries, Aggregation::kMax, {})), 10);
  EXPECT_EQ(Only(Aggregate(kSeries, Aggregation::kCount, {})), 3);
  EXPECT_DOUBLE_EQ(Only(Aggregate(kSeries, Aggregation::kAvg, {})), 14.0 / 3);
}

TEST(AggregateTest, GroupsByTheGivenLabels) {
  auto groups = Aggregate(kSeries, Aggregation::kAvg, {"service"});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].labels, (LabelSet{{"service", "a"}}));
  EXPECT_EQ(groups[0].value, 2);
  EXPECT_EQ(groups[1].labels, (LabelSet{{"service", "b"}}));
  EXPECT_EQ(groups[1].value, 10);
}

TEST(AggregateTest, NoSeriesMeansNoGroup) {
  EXPECT_TRUE(Aggregate({}, Aggregation::kCount, {}).empty());
}

TEST(CompareTest, AppliesEveryOperator) {
  EXPECT_TRUE(Compare(2, CompareOp::kGreater, 1));
  EXPECT_FALSE(Compare(1, CompareOp::kGreater, 1));
  EXPECT_TRUE(Compare(1, CompareOp::kGreaterEqual, 1));
  EXPECT_TRUE(Compare(0, CompareOp::kLess, 1));
  EXPECT_FALSE(Compare(1, CompareOp::kLess, 1));
  EXPECT_TRUE(Compare(1, CompareOp::kLessEqual, 1));
  EXPECT_TRUE(Compare(1, CompareOp::kEqual, 1));
  EXPECT_TRUE(Compare(2, CompareOp::kNotEqual, 1));
  EXPECT_FALSE(Compare(1, CompareOp::kNotEqual, 1));
}

class CounterWindowTest : public testing::Test {
 protected:
  void Record(double value) {
    window_.Record({{{{"service", "a"}}, value}}, now_);
    now_ += seconds(15);
  }
  CounterWindow window_{std::chrono::minutes(1)};
  TimePoint now_{seconds(1'000'000)};
};

TEST_F(CounterWindowTest, NeedsTwoSamplesForARate) {
  Record(10);
  EXPECT_TRUE(window_.Rates().empty());
  Record(40);
  ASSERT_EQ(window_.Rates().size(), 1u);
  EXPECT_DOUBLE_EQ(window_.Rates()[0].value, 2);  // 30 in 15 s
}

TEST_F(CounterWindowTest, TreatsADropAsACounterReset) {
  Record(100);
  Record(130);  // +30
  Record(15);   // reset: +15
  EXPECT_DOUBLE_EQ(window_.Rates()[0].value, 45.0 / 30);
}

TEST_F(CounterWindowTest, ForgetsSamplesOlderThanTheWindow) {
  Record(0);
  for (int i = 1; i <= 8; ++i) Record(i * 1000.0);  // then steady
  for (int i = 0; i < 5; ++i) Record(8000);
  EXPECT_DOUBLE_EQ(window_.Rates()[0].value, 0);  // only the flat minute is left
  now_ += std::chrono::minutes(5);
  window_.Record({}, now_);
  EXPECT_TRUE(window_.Rates().empty());  // the series is gone
}

}  // namespace
}  // namespace fleetgate::alerts
