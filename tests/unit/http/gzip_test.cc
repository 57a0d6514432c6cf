#include "http/gzip.h"

#include <gtest/gtest.h>

#include "unit/http/test_client.h"

namespace fleetgate::http {
namespace {

TEST(AcceptsGzipTest, HonoursCodingsAndWeights) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=1.0"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.001"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzipx"));
}

TEST(GzipCompressTest, RoundTrips) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "metric_" + std::to_string(i % 97) + " 1\n";
  Result<std::string> result = GzipCompress(text);
  ASSERT_TRUE(result.ok());
  std::string compressed = result.value();
  EXPECT_LT(compressed.size(), text.size() / 4);
  EXPECT_EQ(testing::Gunzip(compressed), text);
  EXPECT_EQ(testing::Gunzip(GzipCompress("").value()), "");
}

}  // namespace
}  // namespace fleetgate::http
