#include "storage/cursor.h"

#include <gtest/gtest.h>

#include <limits>

namespace fleetgate::storage {
namespace {

TEST(CursorTest, RoundTripsItsKey) {
  for (CursorKey key : {CursorKey{0, 0}, CursorKey{1700000000123, 42},
                        CursorKey{-5, std::numeric_limits<int64_t>::max()}}) {
    auto decoded = DecodeCursor(EncodeCursor(key));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->time_ms, key.time_ms);
    EXPECT_EQ(decoded->id, key.id);
  }
}

TEST(CursorTest, RejectsAnythingItDidNotMake) {
  std::string good = EncodeCursor({1700000000123, 42});
  EXPECT_FALSE(DecodeCursor("").has_value());
  EXPECT_FALSE(DecodeCursor("garbage").has_value());
  EXPECT_FALSE(DecodeCursor(good.substr(1)).has_value());
  EXPECT_FALSE(DecodeCursor(good + "0").has_value());
  std::string upper = good;
  upper[5] = 'G';
  EXPECT_FALSE(DecodeCursor(upper).has_value());
  std::string version = good;
  version[0] = 'x';
  EXPECT_FALSE(DecodeCursor(version).has_value());
}

}  // namespace
}  // namespace fleetgate::storage
