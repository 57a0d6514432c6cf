#include "core/backoff.h"

#include <gtest/gtest.h>

namespace fleetgate {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DoublesFromInitialWithJitterInTheUpperHalf) {
  Backoff backoff(milliseconds(100), milliseconds(10'000), /*seed=*/7);
  int64_t bound = 100;
  for (int attempt = 0; attempt < 6; ++attempt, bound *= 2) {
    milliseconds delay = backoff.Next();
    EXPECT_GE(delay.count(), bound / 2) << attempt;
    EXPECT_LE(delay.count(), bound) << attempt;
  }
}

TEST(BackoffTest, NeverExceedsTheMaximum) {
  Backoff backoff(milliseconds(100), milliseconds(1'000), /*seed=*/1);
  for (int attempt = 0; attempt < 100; ++attempt) EXPECT_LE(backoff.Next().count(), 1'000);
  EXPECT_GE(backoff.Next().count(), 500);
}

TEST(BackoffTest, ResetStartsOverFromTheInitialDelay) {
  Backoff backoff(milliseconds(100), milliseconds(10'000), /*seed=*/3);
  for (int attempt = 0; attempt < 10; ++attempt) backoff.Next();
  backoff.Reset();
  EXPECT_LE(backoff.Next().count(), 100);
}

TEST(BackoffTest, JitterSpreadsClientsWithDifferentSeeds) {
  Backoff a(milliseconds(1'000), milliseconds(60'000), /*seed=*/1);
  Backoff b(milliseconds(1'000), milliseconds(60'000), /*seed=*/2);
  int same = 0;
  for (int attempt = 0; attempt < 5; ++attempt) same += a.Next() == b.Next() ? 1 : 0;
  EXPECT_LT(same, 5);
}

}  // namespace
}  // namespace fleetgate
