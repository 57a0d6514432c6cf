#include "health/health_collector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "metrics/exposition.h"

namespace fleetgate::health {
namespace {

using ::testing::HasSubstr;

TEST(HealthCollectorTest, ExportsUpStatusAndServiceCounts) {
  auto clock = std::make_shared<ManualClock>(TimePoint(std::chrono::seconds(1000)));
  HealthRegistry registry(RegistryOptions{}, clock);
  registry.Report("billing", "i-1", "", HealthReport{Status::kServing, "", {}, {}});
  registry.Report("billing", "i-2", "", HealthReport{Status::kNotServing, "", {}, {}});
  metrics::Exposition exposition;
  exposition.Add(std::make_shared<HealthCollector>(registry));
  std::string text = exposition.Render();
  EXPECT_THAT(text, HasSubstr("fleetgate_instance_up{instance=\"i-1\",service=\"billing\"} 1"));
  EXPECT_THAT(text, HasSubstr("fleetgate_instance_up{instance=\"i-2\",service=\"billing\"} 0"));
  EXPECT_THAT(text, HasSubstr("fleetgate_instance_status{instance=\"i-2\",service=\"billing\","
                              "status=\"NOT_SERVING\"} 1"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "fleetgate_instance_status{instance=\"i-2\",service=\"billing\",status=\"SERVING\"} 0"));
  EXPECT_THAT(text,
              HasSubstr("fleetgate_service_instances{service=\"billing\",status=\"SERVING\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("fleetgate_service_instances{service=\"billing\",status=\"STALE\"} 0"));
}

}  // namespace
}  // namespace fleetgate::health
