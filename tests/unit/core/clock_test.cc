#include "core/clock.h"

#include <gtest/gtest.h>

namespace fleetgate {
namespace {

using std::chrono::seconds;

TEST(ManualClockTest, StaysPutUntilAdvanced) {
  ManualClock clock(TimePoint(seconds(1000)));
  EXPECT_EQ(clock.Now(), TimePoint(seconds(1000)));
  clock.Advance(seconds(5));
  EXPECT_EQ(clock.Now(), TimePoint(seconds(1005)));
  clock.Set(TimePoint(seconds(7)));
  EXPECT_EQ(clock.Now(), TimePoint(seconds(7)));
}

TEST(SystemClockTest, MovesForward) {
  auto clock = SystemClock::Shared();
  TimePoint a = clock->Now();
  EXPECT_GE(clock->Now(), a);
}

}  // namespace
}  // namespace fleetgate
