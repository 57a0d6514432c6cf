#include "core/duration.h"

#include <gtest/gtest.h>

namespace fleetgate {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(DurationTest, ParsesPrometheusDurations) {
  EXPECT_EQ(ParseDuration("15s"), seconds(15));
  EXPECT_EQ(ParseDuration("1h30m"), minutes(90));
  EXPECT_EQ(ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(ParseDuration("7d"), hours(7 * 24));
  EXPECT_EQ(ParseDuration("1w"), hours(7 * 24));
  EXPECT_EQ(ParseDuration("1y"), hours(365 * 24));
  EXPECT_EQ(ParseDuration("1m1s1ms"), milliseconds(61'001));
  EXPECT_EQ(ParseDuration("0"), milliseconds(0));
  EXPECT_EQ(ParseDuration("0s"), milliseconds(0));
}

TEST(DurationTest, RejectsMalformedDurations) {
  for (const char* bad :
       {"", "s", "15", "1.5h", "-1h", "30m1h", "1h1h", "1x", "99999999999999999999s", "5 m"}) {
    EXPECT_FALSE(ParseDuration(bad)) << bad;
  }
}

TEST(DurationTest, FormatsShortest) {
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(seconds(90)), "1m30s");
  EXPECT_EQ(FormatDuration(hours(24)), "1d");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1s500ms");
}

TEST(DurationTest, FormatThenParseRoundTrips) {
  for (auto d : {milliseconds(1), milliseconds(61'001), milliseconds(86'400'000 * 9LL)}) {
    EXPECT_EQ(ParseDuration(FormatDuration(d)), d);
  }
}

}  // namespace
}  // namespace fleetgate
