#include "storage/availability.h"

#include <gtest/gtest.h>

#include "storage_fixture.h"

namespace fleetgate::storage {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const InstanceAvailability* Find(const ServiceAvailability& result, const std::string& name) {
  for (const auto& instance : result.instances) {
    if (instance.instance == name) return &instance;
  }
  return nullptr;
}

milliseconds In(const AvailabilityStats& stats, const std::string& status) {
  auto it = stats.time_in_status.find(status);
  return it == stats.time_in_status.end() ? milliseconds(0) : it->second;
}

// Window [1000 s, 2000 s); the expectations are worked out by hand in the comments.
class AvailabilityBuilderTest : public ::testing::Test {
 protected:
  AvailabilityBuilder builder_{"checkout", At(1000), At(2000)};
};

TEST_F(AvailabilityBuilderTest, CarriesTheStatusBeforeTheWindowIntoIt) {
  // SERVING 1000-1200, NOT_SERVING 1200-1500, SERVING 1500-2000.
  builder_.SetInitialStatus("a", "SERVING");
  builder_.AddTransition("a", "NOT_SERVING", At(1200));
  builder_.AddTransition("a", "SERVING", At(1500));
  ServiceAvailability result = builder_.Build();
  const AvailabilityStats& a = Find(result, "a")->stats;
  EXPECT_EQ(In(a, "SERVING"), seconds(700));
  EXPECT_EQ(In(a, "NOT_SERVING"), seconds(300));
  EXPECT_EQ(a.observed, seconds(1000));
  EXPECT_DOUBLE_EQ(*a.serving_share, 0.7);
  EXPECT_EQ(a.transitions, 2);
}

TEST_F(AvailabilityBuilderTest, LeavesMaintenanceWindowsOutOfTheObservedTime) {
  // SERVING 1000-1400, MAINTENANCE 1400-1800, NOT_SERVING 1800-2000: 400 of 600 s observed.
  builder_.SetInitialStatus("m", "SERVING");
  builder_.AddTransition("m", "MAINTENANCE", At(1400));
  builder_.AddTransition("m", "NOT_SERVING", At(1800));
  ServiceAvailability result = builder_.Build();
  const AvailabilityStats& m = Find(result, "m")->stats;
  EXPECT_EQ(In(m, "MAINTENANCE"), seconds(400));
  EXPECT_EQ(m.observed, seconds(600));
  EXPECT_DOUBLE_EQ(*m.serving_share, 400.0 / 600.0);
}

TEST_F(AvailabilityBuilderTest, DoesNotObserveTimeBeforeTheFirstSighting) {
  // Unknown 1000-1400, SERVING 1400-1800, DEGRADED 1800-2000.
  builder_.AddTransition("b", "SERVING", At(1400));
  builder_.AddTransition("b", "DEGRADED", At(1800));
  ServiceAvailability result = builder_.Build();
  const AvailabilityStats& b = Find(result, "b")->stats;
  EXPECT_EQ(b.observed, seconds(600));
  EXPECT_DOUBLE_EQ(*b.serving_share, 400.0 / 600.0);
  EXPECT_EQ(In(b, "DEGRADED"), seconds(200));
}

TEST_F(AvailabilityBuilderTest, ExtendsTheLastStatusToTheWindowEnd) {
  builder_.SetInitialStatus("c", "STALE");
  ServiceAvailability result = builder_.Build();
  const AvailabilityStats& c = Find(result, "c")->stats;
  EXPECT_EQ(In(c, "STALE"), seconds(1000));
  EXPECT_DOUBLE_EQ(*c.serving_share, 0.0);
  EXPECT_EQ(c.transitions, 0);
}

TEST_F(AvailabilityBuilderTest, StopsObservingAtDeregistration) {
  // SERVING 1000-1300, then gone.
  builder_.SetInitialStatus("d", "SERVING");
  builder_.AddTransition("d", "DEREGISTERED", At(1300));
  ServiceAvailability result = builder_.Build();
  const AvailabilityStats& d = Find(result, "d")->stats;
  EXPECT_EQ(d.observed, seconds(300));
  EXPECT_DOUBLE_EQ(*d.serving_share, 1.0);
  EXPECT_EQ(d.time_in_status.count("DEREGISTERED"), 0u);
}

TEST_F(AvailabilityBuilderTest, LeavesOutInstancesGoneBeforeTheWindow) {
  builder_.SetInitialStatus("e", "DEREGISTERED");
  EXPECT_EQ(Find(builder_.Build(), "e"), nullptr);
}

TEST_F(AvailabilityBuilderTest, ATransitionAtTheWindowStartReplacesTheStatusBeforeIt) {
  builder_.SetInitialStatus("f", "SERVING");
  builder_.AddTransition("f", "DEGRADED", At(1000));
  ServiceAvailability result = builder_.Build();
  const AvailabilityStats& f = Find(result, "f")->stats;
  EXPECT_EQ(In(f, "SERVING"), seconds(0));
  EXPECT_EQ(In(f, "DEGRADED"), seconds(1000));
  EXPECT_EQ(f.transitions, 1);
}

TEST_F(AvailabilityBuilderTest, AggregatesTheServiceOverObservedTime) {
  builder_.SetInitialStatus("a", "SERVING");         // SERVING 1000
  builder_.AddTransition("b", "SERVING", At(1500));  // SERVING 500
  builder_.SetInitialStatus("c", "NOT_SERVING");     // NOT_SERVING 300,
  builder_.AddTransition("c", "SERVING", At(1300));  // then SERVING 700
  ServiceAvailability result = builder_.Build();
  ASSERT_EQ(result.instances.size(), 3u);
  EXPECT_EQ(result.total.observed, seconds(2500));
  EXPECT_EQ(In(result.total, "SERVING"), seconds(2200));
  EXPECT_DOUBLE_EQ(*result.total.serving_share, 2200.0 / 2500.0);
  EXPECT_EQ(result.total.transitions, 1);  // c's flap; b's first sighting is none
}

TEST_F(AvailabilityBuilderTest, AFlapIsAChangeBetweenTwoKnownStatuses) {
  // First sighting (UNKNOWN), then SERVING, DEGRADED, SERVING, then deregistered: two flaps.
  builder_.AddTransition("g", "UNKNOWN", At(1100));
  builder_.AddTransition("g", "SERVING", At(1100));
  builder_.AddTransition("g", "DEGRADED", At(1200));
  builder_.AddTransition("g", "SERVING", At(1300));
  builder_.AddTransition("g", "DEREGISTERED", At(1400));
  builder_.AddTransition("h", "SERVING", At(1100));  // a first sighting alone
  ServiceAvailability result = builder_.Build();
  EXPECT_EQ(Find(result, "g")->stats.transitions, 2);
  EXPECT_EQ(Find(result, "h")->stats.transitions, 0);
  EXPECT_EQ(result.total.transitions, 2);
}

TEST_F(AvailabilityBuilderTest, AnEmptyWindowHasNoShare) {
  AvailabilityBuilder empty("checkout", At(1000), At(1000));
  empty.SetInitialStatus("a", "SERVING");
  ServiceAvailability result = empty.Build();
  EXPECT_TRUE(result.instances.empty());
  EXPECT_FALSE(result.total.serving_share.has_value());
  EXPECT_EQ(result.total.observed, milliseconds(0));
}

}  // namespace
}  // namespace fleetgate::storage
