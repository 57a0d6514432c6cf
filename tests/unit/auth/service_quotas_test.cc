#include "auth/service_quotas.h"

#include <gtest/gtest.h>

namespace fleetgate::auth {
namespace {

using std::chrono::milliseconds;

class ServiceQuotasTest : public ::testing::Test {
 protected:
  ServiceQuotasTest() : clock_(std::make_shared<ManualClock>(TimePoint{})) {}

  ServiceQuotas Make(Rate rate, std::map<std::string, Rate> overrides = {}) {
    return ServiceQuotas(QuotaOptions{rate, std::move(overrides)}, clock_);
  }

  std::shared_ptr<ManualClock> clock_;
};

TEST_F(ServiceQuotasTest, IsOffByDefault) {
  auto quotas = Make({});
  EXPECT_FALSE(quotas.enabled());
  EXPECT_EQ(quotas.Admit("a", 1000000), milliseconds(0));
}

TEST_F(ServiceQuotasTest, AdmitsTheBurstThenTellsWhenToRetry) {
  auto quotas = Make({100, 200});
  EXPECT_EQ(quotas.Admit("a", 150), milliseconds(0));
  EXPECT_EQ(quotas.Admit("a", 50), milliseconds(0));
  EXPECT_EQ(quotas.Admit("a", 10), milliseconds(100));  // 10 events at 100/s
  clock_->Advance(milliseconds(100));
  EXPECT_EQ(quotas.Admit("a", 10), milliseconds(0));
}

TEST_F(ServiceQuotasTest, KeepsOneBucketPerService) {
  auto quotas = Make({10, 10});
  EXPECT_EQ(quotas.Admit("noisy", 10), milliseconds(0));
  EXPECT_GT(quotas.Admit("noisy", 1), milliseconds(0));
  EXPECT_EQ(quotas.Admit("quiet", 5), milliseconds(0));
}

TEST_F(ServiceQuotasTest, LetsABatchLargerThanTheBurstInOnlyOnAFullBucketAndHoldsTheRate) {
  auto quotas = Make({100, 100});
  EXPECT_EQ(quotas.Admit("a", 300), milliseconds(0));  // a full bucket; 200 events of debt
  EXPECT_EQ(quotas.Admit("a", 1), milliseconds(2010));
  clock_->Advance(milliseconds(2010));
  EXPECT_EQ(quotas.Admit("a", 1), milliseconds(0));
}

TEST_F(ServiceQuotasTest, AppliesOverridesByServiceName) {
  auto quotas = Make({10, 10}, {{"batch", {1000, 1000}}, {"free", {0, 0}}});
  EXPECT_EQ(quotas.Admit("batch", 1000), milliseconds(0));
  EXPECT_EQ(quotas.Admit("free", 1000000), milliseconds(0));
  EXPECT_EQ(quotas.Admit("other", 10), milliseconds(0));
  EXPECT_GT(quotas.Admit("other", 1), milliseconds(0));
}

TEST_F(ServiceQuotasTest, NeverRefillsBeyondTheBurst) {
  auto quotas = Make({100, 100});
  clock_->Advance(std::chrono::hours(1));
  EXPECT_EQ(quotas.Admit("a", 100), milliseconds(0));
  EXPECT_GT(quotas.Admit("a", 1), milliseconds(0));
}

TEST_F(ServiceQuotasTest, AdmitsSeveralServicesAllOrNothing) {
  auto quotas = Make({100, 100}, {{"free", {0, 0}}});
  EXPECT_EQ(quotas.AdmitAll({{"a", 60}, {"b", 95}}), milliseconds(0));
  // b has 5 left: the whole report waits for b, and a's 30 are not taken.
  EXPECT_EQ(quotas.AdmitAll({{"a", 30}, {"b", 10}, {"free", 1000}}), milliseconds(50));
  EXPECT_EQ(quotas.Admit("a", 40), milliseconds(0));
  clock_->Advance(milliseconds(50));
  EXPECT_EQ(quotas.AdmitAll({{"b", 10}, {"free", 1000}}), milliseconds(0));
  EXPECT_GT(quotas.Admit("b", 1), milliseconds(0));
}

}  // namespace
}  // namespace fleetgate::auth
