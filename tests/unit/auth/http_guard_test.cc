#include "auth/http_guard.h"

#include <gtest/gtest.h>

#include "auth/tokens_file.h"
#include "auth_fixture.h"

namespace fleetgate::auth {
namespace {

class HttpGuardTest : public ::testing::Test {
 protected:
  void Use(AuthPolicy policy) {
    auto parsed = ParseTokens(testing::SampleTokensFile());
    authenticator_ = std::make_unique<Authenticator>(
        policy, std::make_shared<CredentialSet>(parsed.value().credentials));
    guard_ = std::make_unique<HttpGuard>(*authenticator_, metrics_);
  }

  int StatusOf(const std::string& method, const std::string& pattern,
               const std::string& authorization = "") {
    http::Request request;
    request.method = method;
    request.path = pattern;
    request.peer = "127.0.0.1:4242";
    if (!authorization.empty()) request.headers["authorization"] = authorization;
    auto refused = guard_->Check(request, pattern);
    if (refused) last_ = *refused;
    return refused ? refused->status : 200;
  }

  prometheus::Registry registry_;
  AuthMetrics metrics_{registry_};
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<HttpGuard> guard_;
  http::Response last_;
};

TEST_F(HttpGuardTest, LeavesEverythingOpenWithoutCredentials) {
  Use({false, false, false});
  EXPECT_EQ(StatusOf("GET", "/metrics"), 200);
  EXPECT_EQ(StatusOf("DELETE", "/api/v1/rules/{name}"), 200);
}

TEST_F(HttpGuardTest, WithOnlyAnAdminTokenGuardsChangesAlone) {
  Use({false, true, false});
  EXPECT_EQ(StatusOf("GET", "/api/v1/services"), 200);
  EXPECT_EQ(StatusOf("PUT", "/api/v1/rules/{name}"), 401);
  EXPECT_EQ(StatusOf("PUT", "/api/v1/rules/{name}", "Bearer ops-secret"), 200);
}

TEST_F(HttpGuardTest, KeepsTheProbesOpen) {
  Use({true, true, true});
  EXPECT_EQ(StatusOf("GET", "/health"), 200);
  EXPECT_EQ(StatusOf("GET", "/health/live"), 200);
  EXPECT_EQ(StatusOf("GET", "/health/ready"), 200);
}

TEST_F(HttpGuardTest, LeavesTheReportRouteToTheReportGate) {
  // POST /v1/metrics needs a reporter covering each resource's service, not the admin role: the
  // route admits its callers itself (ingest::ReportGate, shared with gRPC).
  Use({true, true, true});
  EXPECT_EQ(StatusOf("POST", "/v1/metrics"), 200);
  EXPECT_EQ(StatusOf("POST", "/v1/metrics", "Bearer checkout-secret"), 200);
  Use({false, true, false});
  EXPECT_EQ(StatusOf("POST", "/v1/metrics"), 200);
}

TEST_F(HttpGuardTest, AnswersAMissingCredentialWith401AndBothChallenges) {
  Use({true, true, true});
  EXPECT_EQ(StatusOf("GET", "/metrics"), 401);
  EXPECT_NE(last_.body.find("\"unauthenticated\""), std::string::npos);
  ASSERT_EQ(last_.headers.size(), 2u);
  EXPECT_EQ(last_.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(last_.headers[0].second, "Bearer realm=\"fleetgate\"");
  EXPECT_EQ(last_.headers[1].second, "Basic realm=\"fleetgate\"");
  EXPECT_EQ(StatusOf("GET", "/metrics", "Bearer wrong"), 401);
}

TEST_F(HttpGuardTest, LetsViewersReadAndNotChange) {
  Use({true, true, true});
  EXPECT_EQ(StatusOf("GET", "/metrics", "Bearer prom-secret"), 200);
  EXPECT_EQ(StatusOf("HEAD", "/api/v1/services", "Basic Z3JhZmFuYTpzM2NyZXQ="), 200);
  EXPECT_EQ(StatusOf("POST", "/api/v1/rules", "Bearer prom-secret"), 403);
  EXPECT_NE(last_.body.find("\"permission_denied\""), std::string::npos);
  EXPECT_EQ(
      StatusOf("DELETE", "/api/v1/services/{service}/instances/{instance}", "Bearer prom-secret"),
      403);
}

TEST_F(HttpGuardTest, LetsAdminsReadAndChange) {
  Use({true, true, true});
  EXPECT_EQ(StatusOf("GET", "/api/v1/alerts", "Bearer ops-secret"), 200);
  EXPECT_EQ(StatusOf("DELETE", "/api/v1/rules/{name}", "bearer ops-secret"), 200);
}

TEST_F(HttpGuardTest, GivesReportersNoRestAccess) {
  Use({true, true, true});
  EXPECT_EQ(StatusOf("GET", "/metrics", "Bearer checkout-secret"), 403);
}

TEST_F(HttpGuardTest, CountsRefusalsByReason) {
  Use({true, true, true});
  StatusOf("GET", "/metrics");
  StatusOf("GET", "/metrics", "Bearer nope");
  StatusOf("POST", "/api/v1/rules", "Bearer prom-secret");
  std::map<std::string, double> counts;
  for (const auto& family : registry_.Collect()) {
    if (family.name != "fleetgate_auth_failures_total") continue;
    for (const auto& metric : family.metric) {
      counts[metric.label[0].value + "/" + metric.label[1].value] = metric.counter.value;
    }
  }
  EXPECT_EQ(counts["missing_credential/http"], 1);
  EXPECT_EQ(counts["unknown_credential/http"], 1);
  EXPECT_EQ(counts["role_not_allowed/http"], 1);
}

}  // namespace
}  // namespace fleetgate::auth
