#include "auth/tokens_file.h"

#include <gtest/gtest.h>

#include "auth_fixture.h"

namespace fleetgate::auth {
namespace {

std::string ErrorOf(const std::string& text) {
  auto parsed = ParseTokens(text);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? "" : parsed.error().Describe();
}

TEST(TokensFileTest, ParsesEveryKindOfCredential) {
  auto parsed = ParseTokens(testing::SampleTokensFile());
  ASSERT_TRUE(parsed.ok()) << parsed.error().Describe();
  const auto& credentials = parsed.value().credentials;
  ASSERT_EQ(credentials.size(), 5u);
  EXPECT_EQ(credentials[0].identity.name, "checkout");
  EXPECT_EQ(credentials[0].secret_sha256, Sha256("checkout-secret"));
  EXPECT_TRUE(credentials[0].identity.MayReport("checkout-eu"));
  EXPECT_EQ(credentials[2].kind, Credential::Kind::kBasic);
  EXPECT_EQ(credentials[2].username, "grafana");
  EXPECT_EQ(credentials[3].secret_sha256, Sha256("ops-secret"));
  EXPECT_EQ(credentials[4].kind, Credential::Kind::kClientCert);
  EXPECT_EQ(credentials[4].uri_san, "spiffe://cluster/ns/pay/sa/payments");
}

TEST(TokensFileTest, WarnsAboutATokenInClearTextWithoutQuotingIt) {
  auto parsed = ParseTokens(testing::SampleTokensFile());
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed.value().warnings.size(), 1u);
  EXPECT_NE(parsed.value().warnings[0].find("ops"), std::string::npos);
  EXPECT_EQ(parsed.value().warnings[0].find("ops-secret"), std::string::npos);
}

TEST(TokensFileTest, RefusesEntriesWithMistakesNamingTheField) {
  EXPECT_NE(ErrorOf("tokens: {}").find("tokens"), std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  - name: a\n    sha256: abc\n    roles: [viewer]\n")
                .find("tokens[0].sha256"),
            std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  - name: a\n    token: x\n    roles: [root]\n").find("root"),
            std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  - name: a\n    token: x\n    roles: [reporter]\n")
                .find("tokens[0].services"),
            std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  - name: a\n    roles: [viewer]\n").find("exactly one"),
            std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  - name: a\n    token: x\n    roles: [viewer]\n    colour: red\n")
                .find("tokens[0].colour"),
            std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  - name: a\n    client_cert: {}\n    roles: [viewer]\n")
                .find("client_cert"),
            std::string::npos);
}

TEST(TokensFileTest, RefusesTwoEntriesWithOneNameOrOneSecret) {
  EXPECT_NE(ErrorOf("tokens:\n  - {name: a, token: x, roles: [viewer]}\n"
                    "  - {name: a, token: y, roles: [viewer]}\n")
                .find("used twice"),
            std::string::npos);
  EXPECT_NE(ErrorOf("tokens:\n  - {name: a, token: x, roles: [viewer]}\n"
                    "  - {name: b, token: x, roles: [admin]}\n")
                .find("twice"),
            std::string::npos);
}

TEST(TokensFileTest, ReportsBrokenYamlByLineWithoutQuotingIt) {
  std::string error = ErrorOf("tokens:\n  - name: a\n    token: [unterminated-secret\n");
  EXPECT_NE(error.find("line"), std::string::npos);
  EXPECT_EQ(error.find("unterminated-secret"), std::string::npos);
}

}  // namespace
}  // namespace fleetgate::auth
