#include "core/time_format.h"

#include <gtest/gtest.h>

namespace fleetgate {
namespace {

using std::chrono::milliseconds;

TEST(TimeFormatTest, FormatsUtcWithMilliseconds) {
  TimePoint t(milliseconds(1'700'000'000'123));
  EXPECT_EQ(FormatRfc3339(t), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatRfc3339(TimePoint{}), "1970-01-01T00:00:00.000Z");
}

TEST(TimeFormatTest, ParsesWhatItFormats) {
  TimePoint t(milliseconds(1'700'000'000'123));
  EXPECT_EQ(ParseRfc3339(FormatRfc3339(t)), t);
}

TEST(TimeFormatTest, ParsesOffsetsAndFractions) {
  auto utc = ParseRfc3339("2023-11-14T22:13:20Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(ParseRfc3339("2023-11-14T23:13:20+01:00"), utc);
  EXPECT_EQ(ParseRfc3339("2023-11-14T21:43:20-00:30"), utc);
  EXPECT_EQ(ParseRfc3339("2023-11-14t22:13:20.5z"), *utc + milliseconds(500));
}

TEST(TimeFormatTest, RejectsMalformedTimes) {
  for (const char* bad :
       {"", "2023-11-14", "2023-11-14T22:13:20", "2023-13-14T22:13:20Z", "2023-11-14T22:13:20.Z",
        "2023-11-14T22:13:20Zjunk", "yesterday", "2023-11-14T22:13:20+0100"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
}

TEST(TimeFormatTest, ConvertsToUnixSeconds) {
  EXPECT_DOUBLE_EQ(ToUnixSeconds(TimePoint(milliseconds(1500))), 1.5);
}

}  // namespace
}  // namespace fleetgate
