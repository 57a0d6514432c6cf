// Health history in SQLite through the real binary: history and availability over REST, restart
// recovery, kill -9, and a full database.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "gateway_process.h"
#include "http_client.h"
#include "report_builders.h"

namespace fleetgate::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class HistoryTest : public ::testing::Test {
 protected:
  void Start(std::map<std::string, std::string> env = {}) {
    GatewayProcess::Options options;
    options.database = database_;
    options.env = std::move(env);
    options.env.emplace("FLEETGATE_STORAGE_FLUSH_INTERVAL", "100ms");
    gateway_ = std::make_unique<GatewayProcess>();
    ASSERT_TRUE(gateway_->Start(options)) << gateway_->Log();
    stub_ = ReporterStub(gateway_->grpc_target());
  }

  void SendHealth(const std::string& instance, v1::HealthStatus status,
                  const std::string& detail = "") {
    v1::ReportResponse response;
    ASSERT_TRUE(
        Report(*stub_, Batch("billing", instance, {HealthEvent(status, detail)}), &response).ok());
  }

  HttpResult Get(const std::string& path) { return HttpGet(gateway_->http_base() + path); }

  json History(const std::string& query = "") {
    HttpResult result = Get("/api/v1/services/billing/history" + query);
    EXPECT_EQ(result.status, 200) << result.body;
    return json::parse(result.body);
  }

  // Polls until the history holds `count` transitions (the writer commits every 100 ms).
  bool HistoryReaches(size_t count, const std::string& query = "?limit=1000") {
    return Eventually([&] { return History(query)["transitions"].size() >= count; });
  }

  TempDir dir_;
  std::string database_ = dir_.path() + "/data/fleetgate.db";
  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<v1::Reporter::Stub> stub_;
};

TEST_F(HistoryTest, TransitionsReportedOverGrpcAppearNewestFirst) {
  Start();
  SendHealth("i-1", v1::HEALTH_STATUS_SERVING);
  SendHealth("i-1", v1::HEALTH_STATUS_DEGRADED, "db slow");
  json rows = History()["transitions"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["from"], "SERVING");
  EXPECT_EQ(rows[0]["to"], "DEGRADED");
  EXPECT_EQ(rows[0]["detail"], "db slow");
  EXPECT_EQ(rows[1]["from"], nullptr);  // first sighting, with the first reported status
  EXPECT_EQ(rows[1]["to"], "SERVING");
  EXPECT_EQ(History()["next_cursor"], nullptr);
}

TEST_F(HistoryTest, PagesWithACursorWithoutGapsOrRepeats) {
  Start();
  for (int i = 0; i < 6; ++i) {
    SendHealth("i-1", i % 2 == 0 ? v1::HEALTH_STATUS_SERVING : v1::HEALTH_STATUS_NOT_SERVING);
  }
  ASSERT_TRUE(HistoryReaches(6));
  std::vector<std::string> seen;
  std::string cursor;
  do {
    json page = History("?limit=2&instance=i-1" + (cursor.empty() ? "" : "&cursor=" + cursor));
    EXPECT_LE(page["transitions"].size(), 2u);
    for (const auto& row : page["transitions"]) seen.push_back(row.dump());
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
  } while (!cursor.empty());
  // Page by page, the same rows in the same order as one big page.
  std::vector<std::string> all;
  const json everything = History("?limit=1000&instance=i-1");
  for (const auto& row : everything["transitions"]) all.push_back(row.dump());
  EXPECT_EQ(all.size(), 6u);
  EXPECT_EQ(seen, all);
}

TEST_F(HistoryTest, FiltersByTimeAndRejectsBadParameters) {
  Start();
  SendHealth("i-1", v1::HEALTH_STATUS_SERVING);
  ASSERT_TRUE(HistoryReaches(1));
  EXPECT_EQ(History("?from=-1h")["transitions"].size(), 1u);
  EXPECT_EQ(History("?to=-1h")["transitions"].size(), 0u);
  EXPECT_EQ(History("?from=2000-01-01T00:00:00Z&to=now")["transitions"].size(), 1u);
  for (const char* bad :
       {"?limit=0", "?limit=1001", "?limit=x", "?from=yesterday", "?to=-1x", "?cursor=garbage"}) {
    HttpResult result = Get(std::string("/api/v1/services/billing/history") + bad);
    EXPECT_EQ(result.status, 400) << bad << " " << result.body;
    EXPECT_EQ(json::parse(result.body)["error"]["code"], "invalid_parameter") << bad;
  }
}

TEST_F(HistoryTest, AvailabilityAndFlapsComeFromHistory) {
  Start();
  SendHealth("i-1", v1::HEALTH_STATUS_SERVING);
  SendHealth("i-2", v1::HEALTH_STATUS_NOT_SERVING);
  SendHealth("i-1", v1::HEALTH_STATUS_DEGRADED);
  SendHealth("i-1", v1::HEALTH_STATUS_SERVING);
  ASSERT_TRUE(HistoryReaches(4));
  HttpResult result = Get("/api/v1/services/billing/availability?window=1h");
  ASSERT_EQ(result.status, 200) << result.body;
  json availability = json::parse(result.body);
  EXPECT_EQ(availability["window"], "1h");
  ASSERT_EQ(availability["instances"].size(), 2u);
  EXPECT_GT(availability["instances"][0]["serving_share"].get<double>(), 0.5);
  EXPECT_EQ(availability["instances"][1]["serving_share"].get<double>(), 0.0);
  // First sightings are no flaps: i-1 changed twice between known statuses, i-2 never.
  EXPECT_EQ(availability["transitions"], 2);
  EXPECT_EQ(Get("/api/v1/services/billing/availability?window=0s").status, 400);
  json instance = json::parse(Get("/api/v1/services/billing/instances/i-1").body);
  EXPECT_EQ(instance["flaps_24h"], 2);
  EXPECT_EQ(json::parse(Get("/api/v1/services/billing/instances/i-2").body)["flaps_24h"], 0);
}

TEST_F(HistoryTest, ANewInstancesFirstReportIsOneFirstSightingAndNoFlap) {
  Start();
  SendHealth("i-1", v1::HEALTH_STATUS_SERVING);
  json rows = History()["transitions"];
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0]["from"], nullptr);
  EXPECT_EQ(rows[0]["to"], "SERVING");
  EXPECT_EQ(json::parse(Get("/api/v1/services/billing/instances/i-1").body)["flaps_24h"], 0);
  json availability = json::parse(Get("/api/v1/services/billing/availability?window=1h").body);
  EXPECT_EQ(availability["transitions"], 0);
}

// The writer commits only every 30 s here: what the registry shows must still be in the reads.
TEST_F(HistoryTest, ATransitionTheRegistryShowsIsInHistoryAndAvailabilityAtOnce) {
  Start({{"FLEETGATE_STORAGE_FLUSH_INTERVAL", "30s"}});
  SendHealth("i-1", v1::HEALTH_STATUS_SERVING);
  SendHealth("i-1", v1::HEALTH_STATUS_NOT_SERVING, "db down");
  json instance = json::parse(Get("/api/v1/services/billing/instances/i-1").body);
  ASSERT_EQ(instance["status"], "NOT_SERVING");
  json rows = History()["transitions"];
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0]["to"], "NOT_SERVING");
  EXPECT_EQ(rows[0]["detail"], "db down");
  json availability = json::parse(Get("/api/v1/services/billing/availability?window=1h").body);
  ASSERT_EQ(availability["instances"].size(), 1u) << availability.dump();
  EXPECT_EQ(availability["transitions"], 1);
  EXPECT_EQ(json::parse(Get("/api/v1/services/billing/instances/i-1").body)["flaps_24h"], 1);
}

TEST_F(HistoryTest, DeregistrationIsRecordedAndHistoryStays) {
  Start();
  SendHealth("i-1", v1::HEALTH_STATUS_SERVING);
  ASSERT_EQ(HttpRequest("DELETE", gateway_->http_base() + "/api/v1/services/billing/instances/i-1")
                .status,
            204);
  ASSERT_TRUE(HistoryReaches(2));
  EXPECT_EQ(History()["transitions"][0]["to"], "DEREGISTERED");
}

TEST_F(HistoryTest, RestartKeepsHistoryAndTheRegistryWithoutFlapping) {
  Start();
  SendHealth("i-1", v1::HEALTH_STATUS_DEGRADED, "warming up");
  json before = json::parse(Get("/api/v1/services/billing/instances/i-1").body);
  ASSERT_EQ(gateway_->Stop(SIGTERM), 0);
  Start();
  json after = json::parse(Get("/api/v1/services/billing/instances/i-1").body);
  EXPECT_EQ(after["status"], "DEGRADED");
  EXPECT_EQ(after["detail"], "warming up");
  EXPECT_EQ(after["last_change"], before["last_change"]);
  // Reporting the same status again is not a change: no new row, same last_change.
  SendHealth("i-1", v1::HEALTH_STATUS_DEGRADED, "warming up");
  EXPECT_EQ(json::parse(Get("/api/v1/services/billing/instances/i-1").body)["last_change"],
            before["last_change"]);
  EXPECT_EQ(History()["transitions"].size(), 1u);
}

std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return result;
}

TEST_F(HistoryTest, KillNineKeepsWhatWasFlushedAndTheDatabaseIntact) {
  Start();
  SendHealth("i-1", v1::HEALTH_STATUS_SERVING);
  SendHealth("i-2", v1::HEALTH_STATUS_NOT_SERVING);
  SendHealth("i-1", v1::HEALTH_STATUS_DEGRADED);
  SendHealth("i-1", v1::HEALTH_STATUS_SERVING);
  ASSERT_TRUE(HistoryReaches(4));  // visible to a reader: committed
  EXPECT_EQ(gateway_->Stop(SIGKILL), 128 + SIGKILL);
  EXPECT_EQ(IntegrityCheck(database_), "ok");
  Start();
  EXPECT_EQ(History()["transitions"].size(), 4u);
  EXPECT_EQ(json::parse(Get("/api/v1/services/billing/instances/i-2").body)["status"],
            "NOT_SERVING");
}

TEST_F(HistoryTest, FullDatabaseDegradesReadinessWhileMetricsIngestionGoesOn) {
  Start({{"FLEETGATE_STORAGE_MAX_SIZE_BYTES", std::to_string(384 * 1024)}});
  const std::string detail(3000, 'x');
  int instance = 0;
  bool unready = Eventually(
      [&] {
        for (int i = 0; i < 20; ++i, ++instance) {
          SendHealth("i-" + std::to_string(instance), v1::HEALTH_STATUS_SERVING, detail);
        }
        return Get("/health/ready").status == 503;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(unready) << "the database never filled up";
  EXPECT_THAT(Get("/health/ready").body, HasSubstr("storage"));
  // Metrics still flow while history cannot be written.
  v1::ReportResponse response;
  ASSERT_TRUE(
      Report(*stub_, Batch("billing", "i-0", {CounterEvent("jobs_total", 3)}), &response).ok());
  EXPECT_EQ(response.accepted(), 1u);
  std::string metrics = Get("/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("jobs_total{instance=\"i-0\",service=\"billing\"} 3\n"));
  EXPECT_THAT(metrics, ::testing::ContainsRegex("fleetgate_storage_errors_total\\{[^}]*\\} [1-9]"));
  EXPECT_TRUE(gateway_->Running());
  EXPECT_EQ(gateway_->Stop(SIGTERM), 0) << gateway_->Log();
}

}  // namespace
}  // namespace fleetgate::testing
