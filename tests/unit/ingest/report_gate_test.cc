#include "ingest/report_gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "../auth/auth_fixture.h"
#include "auth/tokens_file.h"

namespace fleetgate::ingest {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

// The gate as Trust builds it, without the gRPC guard (Admit and AdmitHttpCall need none).
class ReportGateTest : public ::testing::Test {
 protected:
  ReportGateTest()
      : clock_(std::make_shared<ManualClock>(TimePoint{})),
        authenticator_({true, true, true}, Credentials()),
        quotas_(auth::QuotaOptions{{100, 100}, {}}, clock_),
        gate_(nullptr, &authenticator_, &quotas_, &auth_metrics_, ingest_metrics_) {}

  static std::shared_ptr<const auth::CredentialSet> Credentials() {
    auto parsed = auth::ParseTokens(auth::testing::SampleTokensFile());
    return std::make_shared<auth::CredentialSet>(parsed.value().credentials);
  }

  std::optional<auth::Identity> Who(const std::string& token) {
    auto found = gate_.AdmitHttpCall("Bearer " + token, "127.0.0.1:1");
    EXPECT_TRUE(found.ok());
    return found.ok() ? found.value() : std::nullopt;
  }

  std::optional<Refusal> Admit(const std::optional<auth::Identity>& identity,
                               const std::vector<ServiceEvents>& services) {
    return gate_.Admit(identity, services, {"http", [] { return std::string("127.0.0.1:1"); }});
  }

  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  std::shared_ptr<ManualClock> clock_;
  prometheus::Registry registry_;
  auth::AuthMetrics auth_metrics_{registry_};
  metrics::IngestMetrics ingest_metrics_{registry_};
  auth::Authenticator authenticator_;
  auth::ServiceQuotas quotas_;
  ReportGate gate_;
};

TEST_F(ReportGateTest, AnHttpCallerNeedsAKnownCredentialAndIsCounted) {
  EXPECT_TRUE(gate_.credentials_required());
  EXPECT_TRUE(gate_.enabled());
  auto missing = gate_.AdmitHttpCall(std::nullopt, "127.0.0.1:1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kUnauthenticated);
  auto unknown = gate_.AdmitHttpCall("Bearer nope", "127.0.0.1:1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().Reason(), auth::reason::kUnknown);
  EXPECT_THAT(Metrics(), HasSubstr("fleetgate_auth_failures_total{reason=\"missing_credential\","
                                   "transport=\"http\"} 1"));
  EXPECT_EQ(Who("checkout-secret")->name, "checkout");
}

TEST_F(ReportGateTest, WithoutATokensFileEveryCallerIsAdmittedAnonymously) {
  auth::Authenticator open({false, false, false}, Credentials());
  ReportGate gate(nullptr, &open, nullptr, &auth_metrics_, ingest_metrics_);
  EXPECT_FALSE(gate.credentials_required());
  EXPECT_FALSE(gate.enabled());  // nothing to ask: the OTLP transports skip the admission
  auto caller = gate.AdmitHttpCall(std::nullopt, "127.0.0.1:1");
  ASSERT_TRUE(caller.ok());
  EXPECT_FALSE(caller.value().has_value());
  EXPECT_FALSE(gate.Admit(std::nullopt, {{"anything", 10}}, {"grpc", [] { return ""; }}));
}

TEST_F(ReportGateTest, EveryServiceMustBeCoveredOrNothingIsTaken) {
  const auto checkout = Who("checkout-secret");  // checkout, checkout-*
  EXPECT_FALSE(Admit(checkout, {{"checkout", 10}, {"checkout-eu", 10}}));
  auto refused = Admit(checkout, {{"checkout", 50}, {"payments", 1}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error.code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(refused->error.message, HasSubstr("\"payments\""));
  EXPECT_THAT(Metrics(), HasSubstr("fleetgate_auth_failures_total{reason=\"service_not_allowed\","
                                   "transport=\"http\"} 1"));
  // The refused report took nothing from checkout's bucket: 90 of its 100 are left.
  EXPECT_FALSE(Admit(checkout, {{"checkout", 90}}));
}

TEST_F(ReportGateTest, AViewerOrAdminIsNoReporter) {
  auto refused = Admit(Who("ops-secret"), {{"checkout", 1}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error.code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(Admit(Who("prom-secret"), {{"checkout", 1}}));
}

TEST_F(ReportGateTest, OneServiceOverItsQuotaRefusesTheWholeReport) {
  const auto checkout = Who("checkout-secret");
  EXPECT_FALSE(Admit(checkout, {{"checkout-noisy", 95}}));
  auto refused = Admit(checkout, {{"checkout", 30}, {"checkout-noisy", 10}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->error.code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(refused->error.Reason(), "rate_limited");
  EXPECT_EQ(refused->retry_after, milliseconds(50));  // 5 missing tokens at 100/s
  const std::string text = Metrics();
  EXPECT_THAT(text, HasSubstr("fleetgate_ingest_rate_limited_events_total{service=\"checkout\"} "
                              "30"));
  EXPECT_THAT(text, HasSubstr("fleetgate_ingest_rate_limited_events_total{service=\"checkout-"
                              "noisy\"} 10"));
  EXPECT_THAT(text, HasSubstr("reason=\"rate_limited\"} 40"));
  // checkout's share was not taken: its whole burst is still there.
  EXPECT_FALSE(Admit(checkout, {{"checkout", 100}}));
  clock_->Advance(milliseconds(50));
  EXPECT_FALSE(Admit(checkout, {{"checkout-noisy", 10}}));
}

}  // namespace
}  // namespace fleetgate::ingest
