// A takeover with a real Alertmanager: the leader fires a health alert and notifies
// Alertmanager (whose webhook receiver is a WebhookSink); `kill -9` of the leader; the standby
// takes over, restores the firing alert from PostgreSQL and does not fire it again as a new
// alert (one alert in Alertmanager with its startsAt unchanged, one `firing` row in the alert
// history, one firing notification at the receiver); resolving after the takeover still
// reaches Alertmanager and the receiver. The takeover time is printed, not asserted.

#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>

#include "alertmanager_process.h"
#include "ha_fixture.h"
#include "webhook_sink.h"

namespace fleetgate::testing {
namespace {

using json = nlohmann::json;

const json kDown = {{"name", "InstanceDown"},
                    {"kind", "health"},
                    {"health", {{"service", "checkout"}, {"condition", "instance_not_serving"}}},
                    {"for", "0s"},
                    {"labels", {{"severity", "critical"}}}};

class AlertmanagerTakeoverTest : public HighAvailabilityTest {
 protected:
  void SetUp() override {
    HighAvailabilityTest::SetUp();
    ASSERT_TRUE(alertmanager_.Start()) << alertmanager_.Log();
  }

  std::unique_ptr<GatewayProcess> StartAlertingGateway() {
    return StartGateway({{"FLEETGATE_ALERTING_ALERTMANAGERS", alertmanager_.url()},
                         {"FLEETGATE_ALERTING_EVALUATION_INTERVAL", "100ms"}});
  }

  std::vector<json> AlertsNamed(const std::string& name) const {
    std::vector<json> out;
    for (const json& alert : alertmanager_.Alerts("active=true")) {
      if (alert["labels"].value("alertname", "") == name) out.push_back(alert);
    }
    return out;
  }

  // The receiver's notifications for InstanceDown, as their statuses in order.
  std::vector<std::string> Notifications() const {
    std::vector<std::string> out;
    for (const json& body : sink_.Bodies()) {
      if (!body.is_object() || body["commonLabels"].value("alertname", "") != "InstanceDown") {
        continue;
      }
      out.push_back(body.value("status", ""));
    }
    return out;
  }

  static json Get(const GatewayProcess& gateway, const std::string& path) {
    return json::parse(HttpGet(gateway.http_base() + path).body, nullptr, false);
  }

  static json FiringAlerts(const GatewayProcess& gateway) {
    json out = json::array();
    const json body = Get(gateway, "/api/v1/alerts");
    for (const json& alert : body["data"]["alerts"]) {
      if (alert["state"] == "firing") out.push_back(alert);
    }
    return out;
  }

  WebhookSink sink_;
  AlertmanagerProcess alertmanager_{sink_.url()};
};

TEST_F(AlertmanagerTakeoverTest, TheStandbyRestoresAFiringAlertWithoutFiringItAgain) {
  auto leader = StartAlertingGateway();
  ASSERT_TRUE(Eventually([&] { return IsReady(*leader); })) << leader->Log();
  auto standby = StartAlertingGateway();
  int status = 0;
  ASSERT_TRUE(Eventually([&] {
    return Ready(*standby, &status).value("reason", "") == "standby" && status == 503;
  })) << standby->Log();

  HttpResult created = HttpRequest("POST", leader->http_base() + "/api/v1/rules", kDown.dump(), {});
  ASSERT_EQ(created.status, 201) << created.body;
  auto stub = ReporterStub(leader->grpc_target());
  v1::ReportResponse response;
  ASSERT_TRUE(Report(*stub, Batch("checkout", "i-0", {HealthEvent(v1::HEALTH_STATUS_NOT_SERVING)}),
                     &response)
                  .ok());

  // Fired, notified, received, and committed.
  ASSERT_TRUE(Eventually([&] { return AlertsNamed("InstanceDown").size() == 1; })) << leader->Log();
  const std::string starts_at = AlertsNamed("InstanceDown")[0].value("startsAt", "");
  ASSERT_TRUE(Eventually([&] { return Notifications() == std::vector<std::string>{"firing"}; }))
      << alertmanager_.Log();
  const json fired = FiringAlerts(*leader);
  ASSERT_EQ(fired.size(), 1u);
  ASSERT_TRUE(Eventually(
      [&] { return Get(*leader, "/api/v1/alerts/history?limit=100")["transitions"].size() == 1; }));
  History(*leader);  // a history read commits everything queued, the alert states included

  const auto killed_at = std::chrono::steady_clock::now();
  leader->Stop(SIGKILL);
  const bool took_over = Eventually([&] { return IsReady(*standby); }, std::chrono::seconds(60));
  std::cout << "[ MEASURED ] standby Ready "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - killed_at)
                   .count()
            << " ms after kill -9 of the leader (with a firing alert to restore)" << std::endl;
  ASSERT_TRUE(took_over) << standby->Log();

  // The new leader evaluates the restored alert: still firing since the same time, no second
  // `firing` in the history. Its re-send reaches Alertmanager as the same alert.
  ASSERT_TRUE(Eventually([&] {
    json rule = Get(*standby, "/api/v1/rules/InstanceDown");
    return rule.value("health", "") == "ok";
  })) << standby->Log();
  json after = FiringAlerts(*standby);
  ASSERT_EQ(after.size(), 1u) << after.dump();
  EXPECT_EQ(after[0]["activeAt"], fired[0]["activeAt"]);
  json history = Get(*standby, "/api/v1/alerts/history?limit=100")["transitions"];
  ASSERT_EQ(history.size(), 1u) << history.dump();
  EXPECT_EQ(history[0]["to"], "firing");
  EXPECT_TRUE(Eventually([&] {
    return MetricSum(*standby, "fleetgate_notifications_total", "result=\"sent\"") >= 1;
  }));
  ASSERT_EQ(AlertsNamed("InstanceDown").size(), 1u);
  EXPECT_EQ(AlertsNamed("InstanceDown")[0].value("startsAt", ""), starts_at);
  std::cout << "[ MEASURED ] the new leader sent "
            << MetricSum(*standby, "fleetgate_notifications_total", "result=\"sent\"")
            << " alert(s) to Alertmanager after the takeover; Alertmanager received "
            << alertmanager_.ReceivedAlerts("firing") << " firing in all" << std::endl;

  // Resolving on the new leader reaches Alertmanager and the receiver. The receiver saw one
  // firing notification before it: the takeover did not notify a new alert.
  auto new_stub = ReporterStub(standby->grpc_target());
  ASSERT_TRUE(Report(*new_stub,
                     Batch("checkout", "i-0", {HealthEvent(v1::HEALTH_STATUS_SERVING)}, 2),
                     &response)
                  .ok());
  EXPECT_TRUE(Eventually([&] { return AlertsNamed("InstanceDown").empty(); }))
      << alertmanager_.Log();
  EXPECT_TRUE(Eventually([&] { return Notifications().size() >= 2; })) << alertmanager_.Log();
  EXPECT_EQ(Notifications(), (std::vector<std::string>{"firing", "resolved"}));
  EXPECT_GE(alertmanager_.ReceivedAlerts("resolved"), 1);
}

}  // namespace
}  // namespace fleetgate::testing
