// The alerting API of the real binary: rule CRUD over REST with every error, the admin token,
// provisioned rules, the export, and active alerts that survive a restart without a second
// firing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gateway_process.h"
#include "http_client.h"
#include "report_builders.h"

namespace fleetgate::testing {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

const json kDown = {{"name", "InstanceDown"},
                    {"kind", "health"},
                    {"health", {{"service", "billing"}, {"condition", "instance_not_serving"}}},
                    {"for", "0s"},
                    {"labels", {{"severity", "critical"}}},
                    {"annotations", {{"summary", "{{ $labels.instance }} is down"}}}};

class AlertingTest : public ::testing::Test {
 protected:
  void Start(std::map<std::string, std::string> env = {}, std::vector<std::string> args = {}) {
    GatewayProcess::Options options;
    options.database = database_;
    options.env = std::move(env);
    options.args = std::move(args);
    options.env.emplace("FLEETGATE_STORAGE_FLUSH_INTERVAL", "100ms");
    options.env.emplace("FLEETGATE_ALERTING_EVALUATION_INTERVAL", "100ms");
    gateway_ = std::make_unique<GatewayProcess>();
    ASSERT_TRUE(gateway_->Start(options)) << gateway_->Log();
  }

  HttpResult Call(const std::string& method, const std::string& path, const json& body = nullptr,
                  const std::map<std::string, std::string>& headers = {}) {
    return HttpRequest(method, gateway_->http_base() + path, body.is_null() ? "" : body.dump(),
                       headers);
  }

  static std::string Code(const HttpResult& result) {
    json body = json::parse(result.body, nullptr, false);
    return body.is_object() ? body["error"].value("code", "") : "";
  }

  void SendHealth(const std::string& instance, v1::HealthStatus status) {
    v1::ReportResponse response;
    auto stub = ReporterStub(gateway_->grpc_target());
    ASSERT_TRUE(Report(*stub, Batch("billing", instance, {HealthEvent(status)}), &response).ok());
  }

  json FiringAlerts() {
    json alerts = json::parse(Call("GET", "/api/v1/alerts").body)["data"]["alerts"];
    json out = json::array();
    for (const auto& alert : alerts) {
      if (alert["state"] == "firing") out.push_back(alert);
    }
    return out;
  }

  json AlertHistory() {
    return json::parse(Call("GET", "/api/v1/alerts/history?limit=1000").body)["transitions"];
  }

  TempDir dir_;
  std::string database_ = dir_.path() + "/data/fleetgate.db";
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(AlertingTest, RulesAreCreatedListedReplacedAndDeletedOverRest) {
  Start();
  HttpResult created = Call("POST", "/api/v1/rules", kDown);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body)["source"], "api");
  EXPECT_EQ(json::parse(created.body)["rule"], kDown);
  EXPECT_EQ(Code(Call("POST", "/api/v1/rules", kDown)), "rule_exists");
  EXPECT_EQ(Call("POST", "/api/v1/rules", kDown).status, 409);

  // The evaluator fills in the status.
  ASSERT_TRUE(Eventually([&] {
    json rules = json::parse(Call("GET", "/api/v1/rules").body)["rules"];
    return rules.size() == 1 && rules[0]["health"] == "ok" && !rules[0]["lastEvaluation"].is_null();
  }));
  json rule = json::parse(Call("GET", "/api/v1/rules/InstanceDown").body);
  for (const char* field : {"name", "rule", "state", "health", "lastError", "lastEvaluation",
                            "evaluationTime", "query", "createdAt", "updatedAt"}) {
    EXPECT_TRUE(rule.contains(field)) << field;
  }
  EXPECT_EQ(rule["query"], "fleetgate_instance_up{service=\"billing\"} == 0");

  json changed = kDown;
  changed.erase("name");  // taken from the path
  changed["for"] = "2m";
  HttpResult replaced = Call("PUT", "/api/v1/rules/InstanceDown", changed);
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(json::parse(replaced.body)["rule"]["for"], "2m");
  EXPECT_EQ(Call("PUT", "/api/v1/rules/Other", changed).status, 404);
  EXPECT_EQ(Code(Call("PUT", "/api/v1/rules/Other", changed)), "rule_not_found");

  EXPECT_EQ(Call("DELETE", "/api/v1/rules/InstanceDown").status, 204);
  EXPECT_EQ(Call("DELETE", "/api/v1/rules/InstanceDown").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/rules/InstanceDown").status, 404);
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/rules").body)["rules"].size(), 0u);
}

TEST_F(AlertingTest, InvalidRulesAnswer400NamingTheFieldAndTheGatewayStaysUp) {
  Start();
  const std::vector<std::pair<json, std::string>> cases{
      {json{{"name", "1bad"}}, "name"},
      {[] {
         json r = kDown;
         r["for"] = "soon";
         return r;
       }(),
       "for"},
      {[] {
         json r = kDown;
         r["health"]["condition"] = "nope";
         return r;
       }(),
       "health.condition"},
      {[] {
         json r = kDown;
         r["extra"] = 1;
         return r;
       }(),
       "extra"},
  };
  for (const auto& [body, field] : cases) {
    HttpResult result = Call("POST", "/api/v1/rules", body);
    EXPECT_EQ(result.status, 400) << body.dump();
    json error = json::parse(result.body)["error"];
    EXPECT_EQ(error["code"], "invalid_rule");
    EXPECT_EQ(error["field"], field) << result.body;
    EXPECT_FALSE(error["reason"].get<std::string>().empty());
  }
  HttpResult not_json = HttpRequest("POST", gateway_->http_base() + "/api/v1/rules", "{nope");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(Code(not_json), "invalid_json");
  json renamed = kDown;
  renamed["name"] = "Other";
  ASSERT_EQ(Call("POST", "/api/v1/rules", kDown).status, 201);
  HttpResult mismatch = Call("PUT", "/api/v1/rules/InstanceDown", renamed);
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(json::parse(mismatch.body)["error"]["field"], "name");
  EXPECT_EQ(Call("GET", "/health/ready").status, 200);
}

TEST_F(AlertingTest, UnsupportedAnnotationTemplatesAnswer400NamingTheAnnotation) {
  Start();
  ASSERT_EQ(Call("POST", "/api/v1/rules", kDown).status, 201);
  for (const char* text : {"{{ $foo }}", "{{ range . }}x{{ end }}", "{{ $labels.service",
                           "{{ .Labels.x }}", "{{ $labels.service | toUpper }}"}) {
    json rule = kDown;
    rule["annotations"]["description"] = text;
    for (const char* method : {"POST", "PUT"}) {
      std::string path = std::string("/api/v1/rules") + (method[1] == 'U' ? "/InstanceDown" : "");
      if (method[1] == 'O') rule["name"] = "Other";
      if (method[1] == 'U') rule["name"] = "InstanceDown";
      HttpResult result = Call(method, path, rule);
      EXPECT_EQ(result.status, 400) << method << " " << text;
      EXPECT_EQ(Code(result), "invalid_rule") << text;
      EXPECT_EQ(json::parse(result.body)["error"]["field"], "annotations.description") << text;
    }
  }
  EXPECT_EQ(Call("GET", "/api/v1/rules/Other").status, 404);
}

TEST_F(AlertingTest, ARuleFileWithAnUnsupportedTemplateStopsTheStart) {
  const std::string file = dir_.path() + "/rules.yaml";
  std::ofstream(file) << "- {name: Bad, kind: health, for: 1m,\n"
                         "   health: {condition: service_absent},\n"
                         "   annotations: {summary: '{{ $labels.service | toUpper }}'}}\n";
  auto [code, output] =
      GatewayProcess::RunToExit({"--check-config"}, {{"FLEETGATE_ALERTING_RULE_FILES", file}});
  EXPECT_EQ(code, 1);
  EXPECT_THAT(output, HasSubstr("rules.yaml: rule 0 (Bad): annotations.summary"));
}

std::string InAnHour() {
  std::time_t later = std::time(nullptr) + 3600;
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&later));
  return text;
}

std::vector<json> JsonLogLines(const std::string& log) {
  std::vector<json> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    json parsed = json::parse(line, nullptr, false);
    if (parsed.is_object()) lines.push_back(std::move(parsed));
  }
  return lines;
}

TEST_F(AlertingTest, EveryRestChangeLeavesOneStructuredAuditLineInTheJsonLog) {
  Start({{"FLEETGATE_LOG_FORMAT", "json"}, {"FLEETGATE_HTTP_ADMIN_TOKEN", "s3cret"}});
  const std::map<std::string, std::string> admin{{"Authorization", "Bearer s3cret"}};
  SendHealth("b-1", v1::HEALTH_STATUS_SERVING);
  SendHealth("b-2", v1::HEALTH_STATUS_SERVING);
  const std::string instance = "/api/v1/services/billing/instances/b-1";
  ASSERT_EQ(Call("POST", "/api/v1/rules", kDown, admin).status, 201);
  ASSERT_EQ(Call("PUT", "/api/v1/rules/InstanceDown", kDown, admin).status, 200);
  ASSERT_EQ(Call("DELETE", "/api/v1/rules/InstanceDown", nullptr, admin).status, 204);
  ASSERT_EQ(Call("PUT", instance + "/maintenance",
                 json{{"until", InAnHour()}, {"reason", "kernel"}}, admin)
                .status,
            200);
  ASSERT_EQ(Call("DELETE", instance + "/maintenance", nullptr, admin).status, 204);
  ASSERT_EQ(Call("DELETE", "/api/v1/services/billing/instances/b-2", nullptr, admin).status, 204);
  ASSERT_EQ(Call("POST", "/api/v1/rules", json{{"name", "1bad"}}, admin).status, 400);  // no change
  ASSERT_EQ(Call("DELETE", "/api/v1/rules/Nope", nullptr, {{"Authorization", "Bearer x"}}).status,
            401);
  std::vector<json> audits;
  bool warn_seen = false;
  for (const json& line : JsonLogLines(gateway_->Log())) {
    EXPECT_NE(line["level"], "warning") << line.dump();
    if (line["level"] == "warn") warn_seen = true;
    if (line.value("audit", "") == "change") audits.push_back(line);
  }
  EXPECT_TRUE(warn_seen) << "the refused call logs at level warn";
  const std::vector<std::string> expected{"POST /api/v1/rules",
                                          "PUT /api/v1/rules/InstanceDown",
                                          "DELETE /api/v1/rules/InstanceDown",
                                          "PUT " + instance + "/maintenance",
                                          "DELETE " + instance + "/maintenance",
                                          "DELETE /api/v1/services/billing/instances/b-2"};
  ASSERT_EQ(audits.size(), expected.size()) << gateway_->Log();
  for (size_t i = 0; i < audits.size(); ++i) {
    EXPECT_EQ(audits[i]["what"], expected[i]);
    EXPECT_EQ(audits[i]["credential"], "http.admin_token") << audits[i].dump();
    EXPECT_THAT(audits[i]["peer"].get<std::string>(), HasSubstr("127.0.0.1:"));
    EXPECT_THAT(audits[i]["msg"].get<std::string>(), HasSubstr("audit: " + expected[i]));
  }
  EXPECT_EQ(audits[1]["rule"], "InstanceDown") << audits[1].dump();
  EXPECT_EQ(audits[3]["service"], "billing") << audits[3].dump();
  EXPECT_EQ(audits[3]["instance"], "b-1") << audits[3].dump();
  EXPECT_EQ(audits[5]["instance"], "b-2") << audits[5].dump();
}

// What a warning's message names is also its own JSON key: the Alertmanager's url and the error
// of a failed delivery, the rule and the error of a failed evaluation.
TEST_F(AlertingTest, WarningsCarryTheirUrlRuleAndErrorAsJsonKeys) {
  Start({{"FLEETGATE_LOG_FORMAT", "json"},
         {"FLEETGATE_ALERTING_ALERTMANAGERS", "http://127.0.0.1:1"},
         {"FLEETGATE_ALERTING_MAX_ALERTS_PER_RULE", "1"}});
  ASSERT_EQ(Call("POST", "/api/v1/rules", kDown).status, 201);
  SendHealth("b-1", v1::HEALTH_STATUS_NOT_SERVING);  // one alert: delivered to nowhere
  json delivery;
  ASSERT_TRUE(Eventually([&] {
    for (const json& line : JsonLogLines(gateway_->Log())) {
      if (line.contains("url") && line.contains("error")) delivery = line;
    }
    return delivery.is_object();
  })) << gateway_->Log();
  EXPECT_EQ(delivery["level"], "warn");
  EXPECT_EQ(delivery["url"], "http://127.0.0.1:1");
  EXPECT_FALSE(delivery.value("error", "").empty()) << delivery.dump();

  SendHealth("b-2", v1::HEALTH_STATUS_NOT_SERVING);  // two alerts: over the limit of one
  json evaluation;
  ASSERT_TRUE(Eventually([&] {
    for (const json& line : JsonLogLines(gateway_->Log())) {
      if (line.contains("rule") && line.contains("error")) evaluation = line;
    }
    return evaluation.is_object();
  })) << gateway_->Log();
  EXPECT_EQ(evaluation["level"], "warn");
  EXPECT_EQ(evaluation["rule"], "InstanceDown");
  EXPECT_THAT(evaluation.value("error", ""), HasSubstr("1")) << evaluation.dump();
}

TEST_F(AlertingTest, ChangesNeedTheAdminTokenWhenOneIsSet) {
  Start({{"FLEETGATE_HTTP_ADMIN_TOKEN", "s3cret"}});
  EXPECT_EQ(Call("POST", "/api/v1/rules", kDown).status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/rules", kDown, {{"Authorization", "Bearer nope"}}).status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/rules", kDown, {{"Authorization", "Bearer s3cret"}}).status, 201);
  EXPECT_EQ(Call("DELETE", "/api/v1/rules/InstanceDown").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/rules/InstanceDown").status, 200);  // reads stay open
}

TEST_F(AlertingTest, ProvisionedRulesAreServedAndReadOnly) {
  const std::string file = dir_.path() + "/rules.yaml";
  std::ofstream(file) << "rules:\n  - {name: Absent, kind: health, for: 1m,\n"
                         "     health: {service: billing, condition: service_absent}}\n";
  Start({{"FLEETGATE_ALERTING_RULE_FILES", file}});
  json rule = json::parse(Call("GET", "/api/v1/rules/Absent").body);
  EXPECT_EQ(rule["source"], "file");
  EXPECT_EQ(rule["file"], file);
  EXPECT_EQ(Code(Call("PUT", "/api/v1/rules/Absent", rule["rule"])), "rule_read_only");
  EXPECT_EQ(Code(Call("PUT", "/api/v1/rules/Absent", json{{"name", "Absent"}})), "rule_read_only");
  EXPECT_EQ(Call("DELETE", "/api/v1/rules/Absent").status, 409);
  EXPECT_EQ(Code(Call("POST", "/api/v1/rules", rule["rule"])), "rule_exists");

  HttpResult exported = Call("GET", "/api/v1/rules/export");
  ASSERT_EQ(exported.status, 200);
  EXPECT_THAT(exported.headers["content-type"], HasSubstr("yaml"));
  EXPECT_THAT(exported.body, HasSubstr("alert: Absent"));
}

TEST_F(AlertingTest, AnInvalidRuleFileStopsTheStartNamingIt) {
  const std::string file = dir_.path() + "/rules.yaml";
  std::ofstream(file) << "- {name: Bad, kind: health, for: 1m, health: {condition: nope}}\n";
  auto [code, output] =
      GatewayProcess::RunToExit({"--check-config"}, {{"FLEETGATE_ALERTING_RULE_FILES", file}});
  EXPECT_EQ(code, 1);
  EXPECT_THAT(output, HasSubstr("rules.yaml: rule 0 (Bad): health.condition"));
  GatewayProcess gateway;
  GatewayProcess::Options options;
  options.env = {{"FLEETGATE_ALERTING_RULE_FILES", file}};
  EXPECT_FALSE(gateway.Start(options));
  EXPECT_THAT(gateway.Log(), HasSubstr("health.condition"));
}

TEST_F(AlertingTest, AFiringAlertSurvivesARestartWithoutFiringAgain) {
  Start();
  ASSERT_EQ(Call("POST", "/api/v1/rules", kDown).status, 201);
  SendHealth("b-1", v1::HEALTH_STATUS_NOT_SERVING);
  ASSERT_TRUE(Eventually([&] { return FiringAlerts().size() == 1; }));
  const json before = FiringAlerts()[0];
  EXPECT_EQ(before["labels"]["instance"], "b-1");
  EXPECT_EQ(before["annotations"]["summary"], "b-1 is down");
  ASSERT_TRUE(Eventually([&] { return AlertHistory().size() == 1; }));
  ASSERT_EQ(gateway_->Stop(SIGTERM), 0);

  Start();
  ASSERT_TRUE(Eventually([&] {
    json rule = json::parse(Call("GET", "/api/v1/rules/InstanceDown").body);
    return rule["health"] == "ok";  // evaluated at least once since the restart
  }));
  json after = FiringAlerts();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0]["activeAt"], before["activeAt"]);
  json history = AlertHistory();
  ASSERT_EQ(history.size(), 1u) << history.dump();
  EXPECT_EQ(history[0]["to"], "firing");

  SendHealth("b-1", v1::HEALTH_STATUS_SERVING);
  ASSERT_TRUE(Eventually([&] { return AlertHistory().size() == 2; }));
  EXPECT_EQ(AlertHistory()[0]["from"], "firing");
  EXPECT_EQ(AlertHistory()[0]["to"], "resolved");
  EXPECT_TRUE(FiringAlerts().empty());
}

}  // namespace
}  // namespace fleetgate::testing
