#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include "auth/tokens_file.h"
#include "auth_fixture.h"

namespace fleetgate::auth {
namespace {

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() : authenticator_({true, true, true}, Credentials()) {}

  static std::shared_ptr<const CredentialSet> Credentials() {
    auto parsed = ParseTokens(testing::SampleTokensFile());
    auto credentials = parsed.value().credentials;
    credentials.push_back(AdminTokenCredential("legacy-admin"));
    return std::make_shared<CredentialSet>(std::move(credentials));
  }

  std::string NameOf(std::string_view header) {
    auto identity = authenticator_.FromAuthorization(header);
    return identity.ok() ? identity.value().name : "!" + std::string(identity.error().Reason());
  }

  Authenticator authenticator_;
};

TEST_F(AuthenticatorTest, RecognisesBearerTokensWithTheSchemeInAnyCase) {
  EXPECT_EQ(NameOf("Bearer checkout-secret"), "checkout");
  EXPECT_EQ(NameOf("bearer prom-secret"), "prometheus");
  EXPECT_EQ(NameOf("BEARER ops-secret"), "ops");
  EXPECT_EQ(NameOf("Bearer   ops-secret  "), "ops");
}

TEST_F(AuthenticatorTest, KeepsTheAdminTokenAsOneAdminCredential) {
  auto identity = authenticator_.FromAuthorization("Bearer legacy-admin");
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity.value().name, "http.admin_token");
  EXPECT_TRUE(identity.value().Has(Role::kAdmin));
  EXPECT_TRUE(identity.value().Has(Role::kViewer));
  EXPECT_FALSE(identity.value().Has(Role::kReporter));
}

TEST_F(AuthenticatorTest, RecognisesHttpBasic) {
  EXPECT_EQ(NameOf("Basic Z3JhZmFuYTpzM2NyZXQ="), "grafana-basic");  // grafana:s3cret
  EXPECT_EQ(NameOf("basic Z3JhZmFuYTpzM2NyZXQ="), "grafana-basic");
  EXPECT_EQ(NameOf("Basic Z3JhZmFuYTp3cm9uZw=="), "!unknown_credential");  // grafana:wrong
  EXPECT_EQ(NameOf("Basic bm9jb2xvbg=="), "!malformed_credential");        // nocolon
}

TEST_F(AuthenticatorTest, TellsMissingFromMalformedFromUnknown) {
  EXPECT_EQ(NameOf(""), "!missing_credential");
  EXPECT_EQ(authenticator_.FromAuthorization(std::nullopt).error().code,
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(NameOf("Bearer"), "!malformed_credential");
  EXPECT_EQ(NameOf("Token checkout-secret"), "!malformed_credential");
  EXPECT_EQ(NameOf("Bearer checkout-secreT"), "!unknown_credential");
}

TEST_F(AuthenticatorTest, RecognisesClientCertificatesByUriSan) {
  PeerCertificate peer{{"spiffe://cluster/ns/pay/sa/payments"}, "whatever"};
  auto identity = authenticator_.FromCertificate(peer);
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity.value().name, "payments-mtls");
  EXPECT_TRUE(identity.value().MayReport("payments"));
  EXPECT_FALSE(identity.value().MayReport("checkout"));
  EXPECT_FALSE(authenticator_.FromCertificate({{"spiffe://other"}, ""}).ok());
}

TEST_F(AuthenticatorTest, RecognisesClientCertificatesByCommonName) {
  auto parsed = ParseTokens(
      "tokens:\n  - {name: edge, client_cert: {common_name: edge-1}, roles: [reporter], "
      "services: [edge]}\n");
  ASSERT_TRUE(parsed.ok());
  authenticator_.Replace(std::make_shared<CredentialSet>(parsed.value().credentials));
  EXPECT_TRUE(authenticator_.FromCertificate({{}, "edge-1"}).ok());
  EXPECT_FALSE(authenticator_.FromCertificate({{}, "edge-2"}).ok());
  EXPECT_EQ(NameOf("Bearer checkout-secret"), "!unknown_credential");
}

TEST(IdentityTest, ReporterRoleAloneGrantsNoReadsAndViewerNoReports) {
  Identity reporter{"r", static_cast<uint8_t>(Role::kReporter), {"a-*"}};
  EXPECT_FALSE(reporter.Has(Role::kViewer));
  EXPECT_TRUE(reporter.MayReport("a-1"));
  Identity viewer{"v", static_cast<uint8_t>(Role::kViewer), {"*"}};
  EXPECT_FALSE(viewer.MayReport("a-1"));
  EXPECT_FALSE(viewer.Has(Role::kAdmin));
}

}  // namespace
}  // namespace fleetgate::auth
