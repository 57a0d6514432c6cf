#include "events/event_tap.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace fleetgate::events {
namespace {

TEST(EventTapTest, TransitionJsonCarriesEveryFieldAsText) {
  storage::TransitionRecord transition{"api",
                                       "a-1",
                                       "",
                                       "SERVING",
                                       "<img src=x onerror=alert(1)>",
                                       TimePoint(std::chrono::seconds(1))};
  nlohmann::json json = nlohmann::json::parse(TransitionJson(transition));
  EXPECT_TRUE(json["from"].is_null());
  EXPECT_EQ(json["to"], "SERVING");
  EXPECT_EQ(json["detail"], "<img src=x onerror=alert(1)>");
  EXPECT_EQ(json["time"], "1970-01-01T00:00:01.000Z");
}

TEST(EventTapTest, AlertJsonParsesTheStoredLabels) {
  storage::AlertTransition transition{"HighLatency", "{\"service\":\"api\"}",
                                      "pending",     "firing",
                                      2.5,           TimePoint(std::chrono::seconds(2))};
  nlohmann::json json = nlohmann::json::parse(AlertJson(transition));
  EXPECT_EQ(json["labels"]["service"], "api");
  EXPECT_EQ(json["value"], 2.5);
  EXPECT_EQ(json["to"], "firing");
}

}  // namespace
}  // namespace fleetgate::events
