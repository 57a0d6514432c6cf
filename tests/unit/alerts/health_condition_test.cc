#include "alerts/health_condition.h"

#include <gtest/gtest.h>

namespace fleetgate::alerts {
namespace {

using health::Status;

health::Instance Make(const std::string& service, const std::string& instance, Status status) {
  health::Instance out;
  out.service = service;
  out.instance = instance;
  out.status = status;
  return out;
}

const std::vector<health::Instance> kFleet{
    Make("billing", "b-1", Status::kServing),   Make("billing", "b-2", Status::kStale),
    Make("billing", "b-3", Status::kDegraded),  Make("billing", "b-4", Status::kServing),
    Make("search", "s-1", Status::kNotServing), Make("search", "s-2", Status::kUnknown),
};

HealthSpec Spec(HealthCondition condition, std::optional<std::string> service = std::nullopt,
                double threshold = 0) {
  HealthSpec spec;
  spec.condition = condition;
  spec.service = std::move(service);
  spec.threshold = threshold;
  return spec;
}

TEST(EvaluateHealthTest, InstanceNotServingGivesOneSamplePerInstanceStaleIncluded) {
  auto samples = EvaluateHealth(Spec(HealthCondition::kInstanceNotServing, "billing"), kFleet);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].labels, (LabelSet{{"service", "billing"}, {"instance", "b-2"}}));
  EXPECT_EQ(samples[1].labels, (LabelSet{{"service", "billing"}, {"instance", "b-3"}}));
  EXPECT_EQ(samples[0].value, 0);
  EXPECT_EQ(EvaluateHealth(Spec(HealthCondition::kInstanceNotServing), kFleet).size(), 4u);
}

TEST(EvaluateHealthTest, UnhealthyRatioComparesTheShareNotServing) {
  auto samples = EvaluateHealth(Spec(HealthCondition::kUnhealthyRatio, std::nullopt, 0.4), kFleet);
  ASSERT_EQ(samples.size(), 2u);  // billing 0.5, search 1.0
  EXPECT_EQ(samples[0].labels, (LabelSet{{"service", "billing"}}));
  EXPECT_DOUBLE_EQ(samples[0].value, 0.5);
  EXPECT_DOUBLE_EQ(samples[1].value, 1.0);
  EXPECT_TRUE(
      EvaluateHealth(Spec(HealthCondition::kUnhealthyRatio, "billing", 0.5), kFleet).empty());
}

TEST(EvaluateHealthTest, ServiceAbsentFiresWithoutAServingInstanceOrWithoutTheService) {
  auto all = EvaluateHealth(Spec(HealthCondition::kServiceAbsent), kFleet);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].labels, (LabelSet{{"service", "search"}}));
  EXPECT_TRUE(EvaluateHealth(Spec(HealthCondition::kServiceAbsent, "billing"), kFleet).empty());
  auto gone = EvaluateHealth(Spec(HealthCondition::kServiceAbsent, "payments"), kFleet);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].labels, (LabelSet{{"service", "payments"}}));
  EXPECT_EQ(gone[0].value, 1);
}

}  // namespace
}  // namespace fleetgate::alerts

namespace fleetgate::alerts {
namespace {

TEST(EvaluateHealthTest, LeavesInstancesInMaintenanceOutOfEveryCondition) {
  const std::vector<health::Instance> fleet{Make("pay", "p-1", Status::kMaintenance),
                                            Make("pay", "p-2", Status::kServing),
                                            Make("ops", "o-1", Status::kMaintenance)};
  EXPECT_TRUE(EvaluateHealth(Spec(HealthCondition::kInstanceNotServing), fleet).empty());
  EXPECT_TRUE(EvaluateHealth(Spec(HealthCondition::kUnhealthyRatio, "pay", 0.1), fleet).empty());
  EXPECT_TRUE(EvaluateHealth(Spec(HealthCondition::kServiceAbsent, "ops"), fleet).empty());
}

TEST(EvaluateHealthTest, ServiceUnhealthyFollowsEachServicePolicy) {
  // Defaults (min_serving 1, max_unavailable_ratio 0.5): billing has 1 of 4 unavailable
  // (DEGRADED), search has none serving.
  auto samples = EvaluateHealth(Spec(HealthCondition::kServiceUnhealthy), kFleet);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].labels, (LabelSet{{"service", "search"}}));
  EXPECT_EQ(samples[0].value, 1);

  health::ServicePolicies strict(health::ServicePolicy{},
                                 {{"billing", health::ServicePolicy{4, 0.5}}});
  auto both = EvaluateHealth(Spec(HealthCondition::kServiceUnhealthy), kFleet, &strict);
  ASSERT_EQ(both.size(), 2u);  // billing: 3 serving or degraded, fewer than its min_serving 4
  EXPECT_EQ(both[0].labels, (LabelSet{{"service", "billing"}}));
}

TEST(EvaluateHealthTest, ServiceUnhealthyLeavesInstancesInMaintenanceOut) {
  const std::vector<health::Instance> fleet{Make("ops", "o-1", Status::kMaintenance),
                                            Make("ops", "o-2", Status::kServing),
                                            Make("ops", "o-3", Status::kNotServing)};
  health::ServicePolicies policies(health::ServicePolicy{1, 0.4}, {});
  auto samples = EvaluateHealth(Spec(HealthCondition::kServiceUnhealthy, "ops"), fleet, &policies);
  ASSERT_EQ(samples.size(), 1u);  // 1 of 2 considered unavailable: 0.5 > 0.4
  // Counted, the one in maintenance would make 2 of 3 unavailable, above 0.5.
  health::ServicePolicies lenient(health::ServicePolicy{1, 0.5}, {});
  EXPECT_TRUE(
      EvaluateHealth(Spec(HealthCondition::kServiceUnhealthy, "ops"), fleet, &lenient).empty());
}

}  // namespace
}  // namespace fleetgate::alerts
