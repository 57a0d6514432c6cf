#include "health/service_policy.h"

#include <gtest/gtest.h>

namespace fleetgate::health {
namespace {

ServiceSummary Summary(size_t serving, size_t degraded, size_t down, size_t maintenance = 0) {
  ServiceSummary summary;
  summary.service = "billing";
  summary.counts[Status::kServing] = serving;
  summary.counts[Status::kDegraded] = degraded;
  summary.counts[Status::kNotServing] = down;
  summary.counts[Status::kMaintenance] = maintenance;
  summary.instances = serving + degraded + down + maintenance;
  return summary;
}

TEST(ServicePolicyTest, EveryInstanceServingIsHealthy) {
  EXPECT_EQ(EvaluateService(Summary(3, 0, 0), {}).health, ServiceHealth::kHealthy);
}

TEST(ServicePolicyTest, SomeUnavailableWithinTheRatioIsDegraded) {
  EXPECT_EQ(EvaluateService(Summary(3, 0, 1), {1, 0.5}).health, ServiceHealth::kDegraded);
  EXPECT_EQ(EvaluateService(Summary(3, 1, 0), {1, 0.5}).health, ServiceHealth::kDegraded);
}

TEST(ServicePolicyTest, TooManyUnavailableIsUnhealthy) {
  ServiceVerdict verdict = EvaluateService(Summary(1, 0, 3), {1, 0.5});
  EXPECT_EQ(verdict.health, ServiceHealth::kUnhealthy);
  EXPECT_NE(verdict.reason.find("max_unavailable_ratio"), std::string::npos);
}

TEST(ServicePolicyTest, FewerThanMinServingIsUnhealthy) {
  EXPECT_EQ(EvaluateService(Summary(2, 0, 0), {3, 1.0}).health, ServiceHealth::kUnhealthy);
}

TEST(ServicePolicyTest, MaintenanceCountsNeitherWay) {
  EXPECT_EQ(EvaluateService(Summary(2, 0, 0, 5), {1, 0.5}).health, ServiceHealth::kHealthy);
}

TEST(ServicePolicyTest, PoliciesFallBackToTheDefault) {
  ServicePolicies policies({1, 0.5}, {{"billing", {5, 0.1}}});
  EXPECT_EQ(policies.For("billing").min_serving, 5u);
  EXPECT_EQ(policies.For("search").min_serving, 1u);
}

}  // namespace
}  // namespace fleetgate::health
