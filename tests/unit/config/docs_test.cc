// The reference docs must agree with the declarations: docs/configuration.md's key table is the
// key table rendered (name, variable, type, default, doc), and every rejection reason is in
// metrics.md, so a key or reason added without its documentation fails the build's tests.

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

// The "## Keys" table as the table declares it.
std::string KeysTable() {
  std::string out =
      "| key | environment variable | type | default | meaning |\n|---|---|---|---|---|\n";
  for (const auto& key : AllKeys()) {
    std::string doc = key.help + (key.secret ? " (secret: --print-config shows <redacted>)" : "");
    out += "| `" + key.name() + "` | `" + key.env() + "` | " + key.type + " | `" +
           key.DefaultText() + "` | " + doc + " |\n";
  }
  return out;
}

// The "## Client variables" table: the FLEETGATE_* variables the gateway ignores.
std::string ClientVariablesTable() {
  std::string out = "| variable | read by | meaning |\n|---|---|---|\n";
  for (const auto& variable : ForeignVariables()) {
    out += "| `" + variable.name + "` | " + variable.reader + " | " + variable.help + " |\n";
  }
  return out;
}

TEST(DocsTest, ConfigurationListsEveryKeyAsTheTableDeclaresIt) {
  const std::string doc = ReadDoc("configuration.md");
  ASSERT_FALSE(doc.empty());
  EXPECT_NE(doc.find(KeysTable()), std::string::npos)
      << "docs/configuration.md's key table must read exactly:\n"
      << KeysTable();
}

TEST(DocsTest, ConfigurationListsTheClientVariablesTheGatewayIgnores) {
  const std::string doc = ReadDoc("configuration.md");
  EXPECT_NE(doc.find(ClientVariablesTable()), std::string::npos)
      << "docs/configuration.md's client variable table must read exactly:\n"
      << ClientVariablesTable();
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
