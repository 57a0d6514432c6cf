#include "metrics/series_key.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

namespace fleetgate::metrics {
namespace {

SeriesKey Build(std::string_view name, const std::vector<LabelView>& labels,
                std::string_view service = "billing", std::string_view instance = "i-1") {
  SeriesKey key;
  BuildSeriesKey(key, name, service, instance, labels);
  return key;
}

TEST(SeriesKeyTest, GivesBackServiceAndLabelsSortedWithServiceAndInstance) {
  const std::string long_value(20000, 'v');  // a three-byte length
  SeriesKey key = Build("g", {{"a", "1"}, {"j", long_value}, {"z", ""}});
  EXPECT_EQ(SeriesService(key.bytes), "billing");
  std::vector<LabelView> labels;
  SeriesLabels(key.bytes, labels);
  EXPECT_EQ(
      labels,
      (std::vector<LabelView>{
          {"a", "1"}, {"instance", "i-1"}, {"j", long_value}, {"service", "billing"}, {"z", ""}}));
}

TEST(SeriesKeyTest, PlacesServiceAndInstanceLastOrFirst) {
  std::vector<LabelView> labels;
  const SeriesKey bare = Build("g", {});
  SeriesLabels(bare.bytes, labels);
  EXPECT_EQ(labels, (std::vector<LabelView>{{"instance", "i-1"}, {"service", "billing"}}));
  const SeriesKey zoned = Build("g", {{"zone", "b"}});
  SeriesLabels(zoned.bytes, labels);
  EXPECT_EQ(labels.back(), (LabelView{"zone", "b"}));
}

// Distinct series never share a key, whatever bytes their values carry.
TEST(SeriesKeyTest, DistinctSeriesHaveDistinctKeys) {
  std::mt19937 random(3);
  const std::string alphabet("a\x00\x01\x7f\x80\xff", 6);
  auto text = [&](size_t max) {
    std::string s;
    for (size_t n = random() % (max + 1); n > 0; --n) s += alphabet[random() % alphabet.size()];
    return s;
  };
  std::set<std::vector<std::string>> series;
  std::set<std::string> keys;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::string> fields{text(3), text(3), text(3), text(2), text(3)};
    std::vector<LabelView> labels;
    if (!fields[3].empty()) labels.emplace_back(fields[3], fields[4]);
    if (labels.empty()) fields[4].clear();
    SeriesKey key = Build(fields[0], labels, fields[1], fields[2]);
    EXPECT_EQ(series.insert(fields).second, keys.insert(key.bytes).second);
  }
}

}  // namespace
}  // namespace fleetgate::metrics
