// The reference docs must name every configuration key and every rejection reason, so a key or
// reason added without its documentation fails the build's tests.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/config_keys.h"
#include "metrics/rejection.h"

namespace fleetgate::config {
namespace {

std::string ReadDoc(const std::string& name) {
  std::ifstream in(std::string(FLEETGATE_SOURCE_DIR) + "/docs/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DocsTest, ConfigurationNamesEveryKeyAndItsEnvironmentVariable) {
  const std::string doc = ReadDoc("configuration.md");
  ASSERT_FALSE(doc.empty());
  for (const auto& key : AllKeys()) {
    EXPECT_NE(doc.find("`" + key.name() + "`"), std::string::npos) << key.name();
    EXPECT_NE(doc.find("`" + key.env() + "`"), std::string::npos) << key.env();
  }
}

TEST(DocsTest, MetricsNamesEveryRejectionReason) {
  const std::string doc = ReadDoc("metrics.md");
  ASSERT_FALSE(doc.empty());
  for (auto why : metrics::reason::kAll) {
    EXPECT_NE(doc.find("| `" + std::string(why) + "` |"), std::string::npos) << why;
  }
}

}  // namespace
}  // namespace fleetgate::config
