#include "auth/glob.h"

#include <gtest/gtest.h>

namespace fleetgate::auth {
namespace {

TEST(GlobTest, MatchesLiteralsExactly) {
  EXPECT_TRUE(GlobMatch("checkout", "checkout"));
  EXPECT_FALSE(GlobMatch("checkout", "checkout-eu"));
  EXPECT_FALSE(GlobMatch("checkout", "checkou"));
}

TEST(GlobTest, StarMatchesAnyRunIncludingNone) {
  EXPECT_TRUE(GlobMatch("checkout-*", "checkout-eu"));
  EXPECT_TRUE(GlobMatch("checkout-*", "checkout-"));
  EXPECT_FALSE(GlobMatch("checkout-*", "checkout"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*-api-*", "pay-api-v2"));
  EXPECT_FALSE(GlobMatch("*-api-*", "pay-api"));
}

TEST(GlobTest, QuestionMarkMatchesOneCharacter) {
  EXPECT_TRUE(GlobMatch("node-?", "node-1"));
  EXPECT_FALSE(GlobMatch("node-?", "node-12"));
}

TEST(GlobTest, ManyStarsStayFast) {
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*b", std::string(200, 'a')));
}

}  // namespace
}  // namespace fleetgate::auth
