// AlertmanagerClient against the real Alertmanager: a firing alert arrives with its labels,
// annotations and start time, and disappears once it is sent resolved; an alert Alertmanager
// refuses is dropped without retries.
#include "alerts/alertmanager_client.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <optional>

#include "alertmanager_process.h"
#include "core/time_format.h"

namespace fleetgate::alerts {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::AlertmanagerProcess;
using testing::Eventually;

constexpr char kAlertName[] = "FleetgateClientTest";

class AlertmanagerClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(am_.Start()) << am_.Log();
    AlertmanagerClientOptions options;
    options.urls = {am_.url()};
    options.initial_backoff = milliseconds(50);
    client_ = std::make_unique<AlertmanagerClient>(options, registry_);
  }

  std::optional<nlohmann::json> FindAlert() const {
    for (const nlohmann::json& alert : am_.Alerts()) {
      if (alert["labels"].value("alertname", "") == kAlertName) return alert;
    }
    return std::nullopt;
  }

  double Notifications(const std::string& result) {
    for (const auto& family : registry_.Collect()) {
      if (family.name != "fleetgate_notifications_total") continue;
      for (const auto& metric : family.metric) {
        for (const auto& label : metric.label) {
          if (label.name == "result" && label.value == result) return metric.counter.value;
        }
      }
    }
    return -1;
  }

  AlertmanagerProcess am_;
  prometheus::Registry registry_;
  std::unique_ptr<AlertmanagerClient> client_;
};

AlertmanagerAlert FiringAlert() {
  AlertmanagerAlert alert;
  alert.labels = {{"alertname", kAlertName}, {"service", "billing"}, {"severity", "critical"}};
  alert.annotations = {{"summary", "billing has no live instance"}};
  alert.starts_at = std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now() -
                                                               std::chrono::minutes(2));
  alert.generator_url = "http://fleetgate.test/api/v1/rules/" + std::string(kAlertName);
  return alert;
}

TEST_F(AlertmanagerClientIntegrationTest, ShowsAFiringAlertAndForgetsItOnceResolved) {
  AlertmanagerAlert alert = FiringAlert();
  client_->Send({alert});
  ASSERT_TRUE(client_->FlushFor(seconds(20)));
  std::optional<nlohmann::json> shown;
  ASSERT_TRUE(Eventually([&] { return (shown = FindAlert()).has_value(); })) << am_.Log();
  EXPECT_EQ((*shown)["labels"], nlohmann::json(alert.labels));
  EXPECT_EQ((*shown)["annotations"], nlohmann::json(alert.annotations));
  EXPECT_EQ(ParseRfc3339((*shown)["startsAt"].get<std::string>()), alert.starts_at);
  EXPECT_EQ((*shown)["generatorURL"], alert.generator_url);
  EXPECT_EQ((*shown)["status"]["state"], "active");
  EXPECT_EQ(am_.ReceivedAlerts("firing"), 1);

  alert.ends_at = std::chrono::system_clock::now();
  client_->Send({alert});
  ASSERT_TRUE(client_->FlushFor(seconds(20)));
  EXPECT_TRUE(Eventually([&] { return !FindAlert().has_value(); })) << am_.Log();
  EXPECT_EQ(am_.ReceivedAlerts("resolved"), 1);
  EXPECT_EQ(Notifications("sent"), 2);
  EXPECT_EQ(Notifications("error"), 0);
}

TEST_F(AlertmanagerClientIntegrationTest, DropsAnAlertAlertmanagerRefusesWithoutRetrying) {
  AlertmanagerAlert unlabelled = FiringAlert();
  unlabelled.labels.clear();  // "at least one label pair required": 400
  client_->Send({unlabelled});
  ASSERT_TRUE(client_->FlushFor(seconds(20)));
  EXPECT_EQ(Notifications("error"), 1);
  EXPECT_EQ(Notifications("dropped"), 1);
  EXPECT_EQ(Notifications("sent"), 0);
  EXPECT_TRUE(am_.Alerts().empty());
}

}  // namespace
}  // namespace fleetgate::alerts
