// fleetgate-example's trust flags (--token, --ca-file, --cert-file, --key-file) and their
// variables against the real fleetgate with a tokens file, TLS and mTLS: its reports arrive with
// the right credential; otherwise it says why on stderr and exits 1 when stopped.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "client/example_process.h"
#include "client/trusted_gateway.h"

namespace fleetgate::testing {
namespace {

using ::testing::HasSubstr;

class ExampleTrustTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(gateway_.ok()) << "openssl could not make certificates"; }

  std::vector<std::string> Args(const std::string& instance, std::vector<std::string> flags,
                                const std::string& service = "shop") {
    flags.insert(flags.end(), {"--gateway", gateway_.process().grpc_target(), "--service", service,
                               "--instance", instance, "--flush-interval", "0.05"});
    return flags;
  }

  // The example's series reached the gateway.
  bool Arrives(const std::string& instance) {
    return Eventually([&] {
      return gateway_.Metrics().find("example_requests_total{code=\"200\",instance=\"" +
                                     instance) != std::string::npos;
    });
  }

  TrustedGateway gateway_;
};

TEST_F(ExampleTrustTest, ReportsOverTlsWithAReporterTokenFromFlagsOrEnvironment) {
  ASSERT_TRUE(gateway_.Start("optional")) << gateway_.process().Log();
  ExampleProcess flags(
      Args("x-flags", {"--ca-file", gateway_.ca().cert, "--token", kReporterToken}));
  ExampleProcess env({"--service", "shop", "--instance", "x-env", "--flush-interval", "0.05"},
                     {{"FLEETGATE_TARGET", gateway_.process().grpc_target()},
                      {"FLEETGATE_CA_FILE", gateway_.ca().cert},
                      {"FLEETGATE_TOKEN", kReporterToken}});
  EXPECT_TRUE(Arrives("x-flags")) << flags.Stderr();
  EXPECT_TRUE(Arrives("x-env")) << env.Stderr();
  EXPECT_EQ(flags.Stop(), 0) << flags.Stderr();
  EXPECT_EQ(env.Stop(), 0) << env.Stderr();
}

TEST_F(ExampleTrustTest, ReportsWithAClientCertificateWhereTheGatewayRequiresOne) {
  ASSERT_TRUE(gateway_.Start("require")) << gateway_.process().Log();
  const auto& client = gateway_.client();
  ExampleProcess flags(
      Args("m-flags",
           {"--ca-file", gateway_.ca().cert, "--cert-file", client.cert, "--key-file", client.key},
           "shop-mtls"));
  ExampleProcess env(Args("m-env", {}, "shop-mtls"), {{"FLEETGATE_CA_FILE", gateway_.ca().cert},
                                                      {"FLEETGATE_CERT_FILE", client.cert},
                                                      {"FLEETGATE_KEY_FILE", client.key}});
  EXPECT_TRUE(Arrives("m-flags")) << flags.Stderr();
  EXPECT_TRUE(Arrives("m-env")) << env.Stderr();
  EXPECT_EQ(flags.Stop(), 0) << flags.Stderr();
  EXPECT_EQ(env.Stop(), 0) << env.Stderr();
}

struct Refusal {
  std::vector<std::string> flags;
  std::map<std::string, std::string> env;
  std::string why;  // in its stderr
};

// Runs every refused case at once (each waits out its final flush when stopped).
void ExpectRefusals(const std::vector<std::unique_ptr<ExampleProcess>>& examples,
                    const std::vector<Refusal>& cases) {
  for (size_t i = 0; i < cases.size(); ++i) {
    ExampleProcess& example = *examples[i];
    EXPECT_TRUE(Eventually([&] { return example.Stderr().find(" failed: ") != std::string::npos; }))
        << cases[i].why << ": " << example.Stderr();
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    ExampleProcess& example = *examples[i];
    EXPECT_EQ(example.Stop(), 1) << cases[i].why << ": " << example.Stderr();
    EXPECT_THAT(example.Stderr(), HasSubstr(cases[i].why));
    EXPECT_THAT(example.Stderr(), HasSubstr("last error: "));
  }
}

TEST_F(ExampleTrustTest, SaysWhyItIsRefusedAndExitsOneWithoutTheRightCredential) {
  ASSERT_TRUE(gateway_.Start("optional")) << gateway_.process().Log();
  const std::string ca = gateway_.ca().cert;
  const std::vector<Refusal> cases = {
      {Args("r-none", {"--ca-file", ca}), {}, "UNAUTHENTICATED: this needs a credential"},
      {Args("r-wrong", {"--ca-file", ca, "--token", "wrong"}),
       {},
       "UNAUTHENTICATED: the bearer token is not valid"},
      {Args("r-env", {"--ca-file", ca}),
       {{"FLEETGATE_TOKEN", "wrong"}},
       "UNAUTHENTICATED: the bearer token is not valid"},
      {Args("r-other", {"--ca-file", ca, "--token", kReporterToken}, "billing"),
       {},
       "PERMISSION_DENIED: credential \"shop\" may not report as service \"billing\""},
      {Args("r-ca", {"--ca-file", gateway_.other_ca().cert, "--token", kReporterToken}),
       {},
       "check that --ca-file verifies its certificate"},
  };
  std::vector<std::unique_ptr<ExampleProcess>> examples;
  for (const Refusal& c : cases)
    examples.push_back(std::make_unique<ExampleProcess>(c.flags, c.env));
  ExpectRefusals(examples, cases);
}

TEST_F(ExampleTrustTest, IsRefusedWithoutAClientCertificateWhereTheGatewayRequiresOne) {
  ASSERT_TRUE(gateway_.Start("require")) << gateway_.process().Log();
  const std::vector<Refusal> cases = {
      {Args("n-cert", {"--ca-file", gateway_.ca().cert, "--token", kReporterToken}),
       {},
       "--cert-file and --key-file are given"},
  };
  std::vector<std::unique_ptr<ExampleProcess>> examples;
  for (const Refusal& c : cases)
    examples.push_back(std::make_unique<ExampleProcess>(c.flags, c.env));
  ExpectRefusals(examples, cases);
}

TEST_F(ExampleTrustTest, AnUnreadableCaFileIsNamedAndExitsOne) {
  ExampleProcess example(Args("u-1", {"--ca-file", "/nonexistent/ca.pem"}));
  EXPECT_EQ(example.WaitForExit(), 1);
  EXPECT_THAT(example.Stderr(), HasSubstr("cannot read the CA file /nonexistent/ca.pem"));
}

}  // namespace
}  // namespace fleetgate::testing
