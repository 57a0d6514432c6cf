// OTLP exports through the ReportGate (the admission shared with Reporter): which services an
// export reports as, and POST /v1/metrics' answers with credentials and quotas.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "../auth/auth_fixture.h"
#include "auth/tokens_file.h"
#include "otlp/http_route.h"
#include "otlp_pipeline_test_base.h"

namespace fleetgate::otlp {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;
namespace mpb = opentelemetry::proto::metrics::v1;

// Adds a resource of `service` (none: no service.name) with `points` gauge points.
void AddResource(ExportRequest& request, const std::string& service, int points,
                 const std::string& instance = "i-1") {
  auto* resource = request.add_resource_metrics();
  auto* attributes = resource->mutable_resource()->mutable_attributes();
  if (!service.empty()) {
    auto* name = attributes->Add();
    name->set_key("service.name");
    name->mutable_value()->set_string_value(service);
  }
  auto* id = attributes->Add();
  id->set_key("service.instance.id");
  id->mutable_value()->set_string_value(instance);
  auto* metric = resource->add_scope_metrics()->add_metrics();
  metric->set_name("queue.depth");
  for (int i = 0; i < points; ++i) {
    auto* point = metric->mutable_gauge()->add_data_points();
    point->set_as_int(i);
    auto* label = point->add_attributes();
    label->set_key("n");
    label->mutable_value()->set_int_value(i);
  }
}

TEST(ServicesOfTest, MapsServiceNameLikeTheProcessorAndMergesResources) {
  ExportRequest request;
  AddResource(request, "checkout", 3);
  AddResource(request, "", 2);
  AddResource(request, "checkout", 4, "i-2");
  auto services = ServicesOf(request);
  ASSERT_EQ(services.size(), 2u);
  EXPECT_EQ(services[0].service, "checkout");
  EXPECT_EQ(services[0].events, 7u);
  EXPECT_EQ(services[1].service, "unknown_service");
  EXPECT_EQ(services[1].events, 2u);
}

class HttpExportAdmissionTest : public OtlpPipelineTest {
 protected:
  HttpExportAdmissionTest()
      : authenticator_({true, true, true}, Credentials()),
        quotas_(auth::QuotaOptions{{100, 100}, {}}, clock_),
        gate_(nullptr, &authenticator_, &quotas_, &auth_metrics_, self_metrics_) {}

  static std::shared_ptr<const auth::CredentialSet> Credentials() {
    auto parsed = auth::ParseTokens(auth::testing::SampleTokensFile());
    return std::make_shared<auth::CredentialSet>(parsed.value().credentials);
  }

  http::Response Post(const ExportRequest& export_request, const std::string& token) {
    http::Request request;
    request.method = "POST";
    request.path = "/v1/metrics";
    request.peer = "127.0.0.1:4242";
    request.headers["content-type"] = "application/x-protobuf";
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    request.body = export_request.SerializeAsString();
    return HandleExport(processor_, &gate_, request);
  }

  auth::AuthMetrics auth_metrics_{registry_};
  auth::Authenticator authenticator_;
  auth::ServiceQuotas quotas_;
  ingest::ReportGate gate_;
};

TEST_F(HttpExportAdmissionTest, NeedsAReporterCredential) {
  ExportRequest request;
  AddResource(request, "checkout", 1);
  http::Response missing = Post(request, "");
  EXPECT_EQ(missing.status, 401);
  EXPECT_THAT(missing.body, HasSubstr("\"unauthenticated\""));
  ASSERT_FALSE(missing.headers.empty());
  EXPECT_EQ(missing.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(Post(request, "wrong").status, 401);
  EXPECT_EQ(Post(request, "ops-secret").status, 403);  // an admin is no reporter
  EXPECT_THAT(Text(), Not(HasSubstr("queue_depth")));
  EXPECT_EQ(Post(request, "checkout-secret").status, 200);
  EXPECT_THAT(Text(), HasSubstr("queue_depth{instance=\"i-1\",n=\"0\",service=\"checkout\"} 0"));
}

TEST_F(HttpExportAdmissionTest, OneServiceNotCoveredRefusesTheWholeExport) {
  ExportRequest request;
  AddResource(request, "checkout-eu", 1);
  AddResource(request, "payments", 1);
  http::Response refused = Post(request, "checkout-secret");
  EXPECT_EQ(refused.status, 403);
  EXPECT_THAT(refused.body, HasSubstr("\"permission_denied\""));
  EXPECT_THAT(refused.body, HasSubstr("payments"));
  EXPECT_THAT(Text(), Not(HasSubstr("queue_depth")));
}

TEST_F(HttpExportAdmissionTest, OverTheQuotaIs429WithRetryAfterAndNothingApplied) {
  ExportRequest first;
  AddResource(first, "checkout", 90);
  EXPECT_EQ(Post(first, "checkout-secret").status, 200);
  ExportRequest second;
  AddResource(second, "checkout-eu", 5);
  AddResource(second, "checkout", 20, "i-2");
  http::Response refused = Post(second, "checkout-secret");
  EXPECT_EQ(refused.status, 429);
  EXPECT_THAT(refused.body, HasSubstr("\"rate_limited\""));
  ASSERT_EQ(refused.headers.size(), 1u);
  EXPECT_EQ(refused.headers[0].first, "Retry-After");
  EXPECT_EQ(refused.headers[0].second, "1");  // 100ms, rounded up to a whole second
  EXPECT_THAT(Text(), Not(HasSubstr("service=\"checkout-eu\"")));
  EXPECT_THAT(Text(), Not(HasSubstr("instance=\"i-2\"")));
  clock_->Advance(seconds(1));
  EXPECT_EQ(Post(second, "checkout-secret").status, 200);
  EXPECT_THAT(Text(), HasSubstr("instance=\"i-2\""));
}

}  // namespace
}  // namespace fleetgate::otlp
