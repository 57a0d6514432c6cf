#include "core/yaml/yaml_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace fleetgate {
namespace {

using nlohmann::json;

TEST(YamlToJsonTest, KeepsQuotedScalarsAsStringsAndReadsPlainNumbers) {
  json out = YamlToJson("a: 1.5\nb: \"2\"\nc: [x, true]\nd: 5m\ne: ~\n");
  EXPECT_EQ(out["a"], 1.5);
  EXPECT_EQ(out["b"], "2");
  EXPECT_EQ(out["c"], json({"x", true}));
  EXPECT_EQ(out["d"], "5m");
  EXPECT_TRUE(out["e"].is_null());
}

TEST(YamlToJsonTest, ReadsJsonAsTheSameValue) {
  const std::string text = R"({"name": "A", "threshold": 100, "labels": {"x": "1"}, "on": [1, 2]})";
  EXPECT_EQ(YamlToJson(text), json::parse(text));
}

TEST(YamlToJsonTest, KeepsTemplatesInQuotedStrings) {
  json out = YamlToJson("summary: \"{{ $labels.service }} is {{ $value }}\"\n");
  EXPECT_EQ(out["summary"], "{{ $labels.service }} is {{ $value }}");
}

TEST(YamlToJsonTest, GivesNullForAnEmptyDocument) { EXPECT_TRUE(YamlToJson("").is_null()); }

TEST(YamlToJsonTest, NamesTheLineAndColumnOfASyntaxError) {
  try {
    YamlToJson("rules:\n  - name: A\n    for: [5m\n");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), ::testing::StartsWith("line ")) << e.what();
    EXPECT_THAT(e.what(), ::testing::HasSubstr("column")) << e.what();
  }
}

}  // namespace
}  // namespace fleetgate
