#include "otlp/cumulative_streams.h"

#include <gtest/gtest.h>

namespace fleetgate::otlp {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class CumulativeStreamsTest : public ::testing::Test {
 protected:
  CumulativeStreamsTest()
      : clock_(std::make_shared<ManualClock>(TimePoint(seconds(1000)))),
        streams_(StreamOptions{32, minutes(1)}, clock_) {}

  // The increase the point adds, or -1 when it adds nothing (stale), -2 when refused.
  double Delta(std::string_view key, uint64_t start, uint64_t time, double value) {
    std::vector<double> values{value};
    switch (streams_.ToDelta(key, {start, time}, values, 1)) {
      case StreamVerdict::kApply:
        return values[0];
      case StreamVerdict::kStale:
        return -1;
      case StreamVerdict::kFull:
        return -2;
    }
    return -3;
  }

  std::shared_ptr<ManualClock> clock_;
  CumulativeStreams streams_;
};

TEST_F(CumulativeStreamsTest, FirstPointCountsWholeThenDifferences) {
  EXPECT_EQ(Delta("a", 1, 10, 5), 5);
  EXPECT_EQ(Delta("a", 1, 20, 8), 3);
  EXPECT_EQ(Delta("a", 1, 30, 8), 0);
}

TEST_F(CumulativeStreamsTest, DuplicateAndOutOfOrderPointsAddNothing) {
  EXPECT_EQ(Delta("a", 1, 10, 5), 5);
  EXPECT_EQ(Delta("a", 1, 20, 9), 4);
  EXPECT_EQ(Delta("a", 1, 20, 9), -1);  // sent twice
  EXPECT_EQ(Delta("a", 1, 15, 7), -1);  // late
  EXPECT_EQ(Delta("a", 1, 30, 10), 1);  // continues from 9, not from 7
}

TEST_F(CumulativeStreamsTest, NewStartTimeOrADropIsAReset) {
  EXPECT_EQ(Delta("a", 1, 10, 5), 5);
  EXPECT_EQ(Delta("a", 100, 110, 2), 2);  // the SDK restarted
  EXPECT_EQ(Delta("a", 1, 120, 50), -1);  // a point of the old stream
  EXPECT_EQ(Delta("a", 100, 130, 1), 1);  // a drop without a new start
}

TEST_F(CumulativeStreamsTest, HistogramSumMayGoDownWithoutAReset) {
  std::vector<double> values{2, 1, 1, -3};  // count, two buckets, sum
  ASSERT_EQ(streams_.ToDelta("h", {1, 10}, values, 3), StreamVerdict::kApply);
  values = {3, 2, 1, -5};
  ASSERT_EQ(streams_.ToDelta("h", {1, 20}, values, 3), StreamVerdict::kApply);
  EXPECT_EQ(values, (std::vector<double>{1, 1, 0, -2}));
}

TEST_F(CumulativeStreamsTest, StateIsBoundedAndExpires) {
  int refused = 0;
  for (int i = 0; i < 200; ++i) refused += Delta("s" + std::to_string(i), 1, 10, 1) == -2;
  EXPECT_EQ(refused, 200 - 32);
  EXPECT_EQ(streams_.size(), 32u);
  clock_->Advance(minutes(2));
  EXPECT_EQ(Delta("fresh-stream-after-expiry", 1, 10, 1), 1);
}

// The limit is global, not split over the shards: whatever shards the keys hash to, exactly
// max_streams streams are admitted, the first refusal comes only then, and a stream that expired
// in any shard makes room for a new one in any other.
TEST_F(CumulativeStreamsTest, AdmitsExactlyMaxStreamsWhateverTheirHashes) {
  for (size_t max : {1, 7, 16, 17, 100, 1000}) {
    CumulativeStreams streams(StreamOptions{max, minutes(1)}, clock_);
    size_t admitted = 0;
    size_t key = 0;
    double value = 1;
    while (streams.Accumulate("k" + std::to_string(key++), {1, 10}, value) ==
           StreamVerdict::kApply) {
      ++admitted;
    }
    EXPECT_EQ(admitted, max) << "max_streams " << max;
    EXPECT_EQ(streams.size(), max);
    for (int i = 0; i < 100; ++i) {
      EXPECT_EQ(streams.Accumulate("late" + std::to_string(i), {1, 10}, value),
                StreamVerdict::kFull);
    }
    EXPECT_EQ(streams.Accumulate("k0", {1, 20}, value), StreamVerdict::kApply);  // known: room
    streams.Forget("k0");
    EXPECT_EQ(streams.Accumulate("new-after-forget", {1, 10}, value), StreamVerdict::kApply);
    EXPECT_EQ(streams.size(), max);
    clock_->Advance(minutes(2));
    for (int i = 0; i < static_cast<int>(max); ++i) {
      EXPECT_EQ(streams.Accumulate("after-expiry" + std::to_string(i), {1, 10}, value),
                StreamVerdict::kApply);
    }
    EXPECT_EQ(streams.size(), max);
  }
}

TEST_F(CumulativeStreamsTest, ForgetMakesTheNextPointCountWhole) {
  EXPECT_EQ(Delta("a", 1, 10, 5), 5);
  streams_.Forget("a");
  EXPECT_EQ(Delta("a", 1, 20, 7), 7);
}

TEST_F(CumulativeStreamsTest, AccumulateKeepsARunningTotal) {
  double value = 5;
  ASSERT_EQ(streams_.Accumulate("g", {0, 10}, value), StreamVerdict::kApply);
  value = -2;
  ASSERT_EQ(streams_.Accumulate("g", {0, 20}, value), StreamVerdict::kApply);
  EXPECT_EQ(value, 3);
  value = 100;
  EXPECT_EQ(streams_.Accumulate("g", {0, 20}, value), StreamVerdict::kStale);
}

}  // namespace
}  // namespace fleetgate::otlp
