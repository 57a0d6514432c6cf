#include "http/url_codec.h"

#include <gtest/gtest.h>

namespace fleetgate::http {
namespace {

TEST(PercentDecodeTest, DecodesEscapes) { EXPECT_EQ(PercentDecode("a%20b%2Fc%41%7e"), "a b/cA~"); }

TEST(PercentDecodeTest, KeepsMalformedEscapesLiterally) {
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("%"), "%");
}

TEST(PercentDecodeTest, TreatsPlusAsSpaceOnlyWhenAsked) {
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b%2B", true), "a b+");
}

TEST(PercentDecodeTest, DecodesNulAndHighBytes) {
  EXPECT_EQ(PercentDecode("%00%FF"), std::string("\0\xff", 2));
}

TEST(ParseQueryTest, DecodesNamesAndValuesAndLastValueWins) {
  auto query = ParseQuery("a=1&b=x%20y&a=2&flag&c=&&d=p+q&e%3D=%26");
  EXPECT_EQ(query.at("a"), "2");
  EXPECT_EQ(query.at("b"), "x y");
  EXPECT_EQ(query.at("flag"), "");
  EXPECT_EQ(query.at("c"), "");
  EXPECT_EQ(query.at("d"), "p q");
  EXPECT_EQ(query.at("e="), "&");
  EXPECT_EQ(query.size(), 6u);
}

TEST(ParseQueryTest, EmptyQueryHasNoParameters) { EXPECT_TRUE(ParseQuery("").empty()); }

TEST(SplitTargetTest, SplitsAtQuestionMarkAndDropsFragment) {
  Target target = SplitTarget("/a/b?x=1?y#frag");
  EXPECT_EQ(target.path, "/a/b");
  EXPECT_EQ(target.query, "x=1?y");
  EXPECT_EQ(SplitTarget("/plain").query, "");
}

TEST(SplitPathTest, SplitsSegmentsKeepingEmptyOnes) {
  EXPECT_TRUE(SplitPath("/").empty());
  EXPECT_TRUE(SplitPath("").empty());
  EXPECT_EQ(SplitPath("/a/b"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(SplitPath("/a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
}

}  // namespace
}  // namespace fleetgate::http
