// fgctl's trust flags (--token, --ca-file, --cert-file, --key-file) and their variables against the
// real fleetgate with a tokens file, TLS and mTLS: accepted with the right credential, refused with
// one line and exit 1 otherwise.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/fgctl_runner.h"
#include "client/trusted_gateway.h"

namespace fleetgate::testing {
namespace {

using ::testing::HasSubstr;

class FgctlTrustTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(gateway_.ok()) << "openssl could not make certificates"; }

  // `fgctl <credential flags> report --service SERVICE health SERVING` over gRPC.
  FgctlRun Report(const std::string& service, std::vector<std::string> flags,
                  const std::map<std::string, std::string>& env = {}) {
    flags.insert(flags.begin(), {"--grpc-server", gateway_.process().grpc_target()});
    flags.insert(flags.end(), {"--timeout", "5", "report", "--service", service, "--instance",
                               "f-1", "health", "SERVING"});
    return RunFgctl(flags, env);
  }

  // The run failed with exit 1 and one line on stderr that contains `why`.
  static void ExpectRefused(const FgctlRun& run, const std::string& why) {
    EXPECT_EQ(run.exit_code, 1) << run.out;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "not one line: " << run.err;
    EXPECT_THAT(run.err, HasSubstr(why));
  }

  TrustedGateway gateway_;
};

TEST_F(FgctlTrustTest, ReportsOverTlsWithAReporterTokenFromFlagsOrEnvironment) {
  ASSERT_TRUE(gateway_.Start("optional")) << gateway_.process().Log();
  FgctlRun flags = Report("shop", {"--ca-file", gateway_.ca().cert, "--token", kReporterToken});
  ASSERT_EQ(flags.exit_code, 0) << flags.err;
  EXPECT_THAT(flags.out, HasSubstr("accepted health event from shop/f-1"));

  FgctlRun env =
      Report("shop-eu", {},
             {{"FLEETGATE_CA_FILE", gateway_.ca().cert}, {"FLEETGATE_TOKEN", kReporterToken}});
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_THAT(gateway_.Metrics(), HasSubstr("service=\"shop-eu\""));
}

TEST_F(FgctlTrustTest, IsRefusedWithoutATokenWithAWrongOneOrForAnotherService) {
  ASSERT_TRUE(gateway_.Start("optional")) << gateway_.process().Log();
  const std::string ca = gateway_.ca().cert;
  ExpectRefused(Report("shop", {"--ca-file", ca}), "this needs a credential");
  ExpectRefused(Report("shop", {"--ca-file", ca, "--token", "wrong"}),
                "the bearer token is not valid");
  ExpectRefused(Report("shop", {"--ca-file", ca}, {{"FLEETGATE_TOKEN", "wrong"}}),
                "the bearer token is not valid");
  ExpectRefused(Report("billing", {"--ca-file", ca, "--token", kReporterToken}),
                "may not report as service \"billing\"");
  EXPECT_THAT(gateway_.Metrics(), HasSubstr("fleetgate_auth_failures_total{"));
}

TEST_F(FgctlTrustTest, DoesNotTrustAGatewayCertifiedByAnotherCaNorTalkPlaintextToIt) {
  ASSERT_TRUE(gateway_.Start("optional")) << gateway_.process().Log();
  const std::string target = "cannot report to fleetgate at " + gateway_.process().grpc_target();
  FgctlRun untrusted =
      Report("shop", {"--ca-file", gateway_.other_ca().cert, "--token", kReporterToken});
  ExpectRefused(untrusted, target);
  EXPECT_THAT(untrusted.err, HasSubstr("certificate verify failed"));
  EXPECT_THAT(untrusted.err, HasSubstr("check that --ca-file verifies its certificate"));
  ExpectRefused(Report("shop", {"--token", kReporterToken}), target);
  ExpectRefused(Report("shop", {"--ca-file", "/nonexistent/ca.pem", "--token", kReporterToken}),
                "cannot read the CA file /nonexistent/ca.pem");
}

TEST_F(FgctlTrustTest, ReportsWithAClientCertificateWhereTheGatewayRequiresOne) {
  ASSERT_TRUE(gateway_.Start("require")) << gateway_.process().Log();
  const auto& ca = gateway_.ca();
  const auto& client = gateway_.client();
  FgctlRun flags = Report(
      "shop-mtls", {"--ca-file", ca.cert, "--cert-file", client.cert, "--key-file", client.key});
  ASSERT_EQ(flags.exit_code, 0) << flags.err;
  FgctlRun env = Report("shop-mtls", {},
                        {{"FLEETGATE_CA_FILE", ca.cert},
                         {"FLEETGATE_CERT_FILE", client.cert},
                         {"FLEETGATE_KEY_FILE", client.key}});
  ASSERT_EQ(env.exit_code, 0) << env.err;
  // The certificate's identity reports only as its own service.
  ExpectRefused(
      Report("shop", {"--ca-file", ca.cert, "--cert-file", client.cert, "--key-file", client.key}),
      "may not report as service \"shop\"");
  // Without a client certificate the handshake fails, even with a good token.
  FgctlRun anonymous = Report("shop", {"--ca-file", ca.cert, "--token", kReporterToken});
  ExpectRefused(anonymous, "cannot report to fleetgate at " + gateway_.process().grpc_target());
  EXPECT_THAT(anonymous.err, HasSubstr("--cert-file and --key-file are given"));
}

TEST_F(FgctlTrustTest, ReadsTheFleetWithAViewerTokenAndIsRefusedWithoutOne) {
  ASSERT_TRUE(gateway_.Start("optional")) << gateway_.process().Log();
  const std::string server = gateway_.process().http_base();
  FgctlRun flags = RunFgctl({"--server", server, "--token", kViewerToken, "services"});
  EXPECT_EQ(flags.exit_code, 0) << flags.err;
  FgctlRun env =
      RunFgctl({"services"}, {{"FLEETGATE_URL", server}, {"FLEETGATE_TOKEN", kViewerToken}});
  EXPECT_EQ(env.exit_code, 0) << env.err;
  ExpectRefused(RunFgctl({"--server", server, "services"}), "401 unauthenticated");
  ExpectRefused(RunFgctl({"--server", server, "--token", "wrong", "services"}),
                "401 unauthenticated");
  ExpectRefused(RunFgctl({"--server", server, "--token", kReporterToken, "services"}),
                "403 permission_denied");
}

}  // namespace
}  // namespace fleetgate::testing
