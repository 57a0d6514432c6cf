// storage.durable_ack through the real binary: with it on, every transition a Report or a
// StreamReport acknowledged survives kill -9 (the writer's flush interval is 30 s here, so only
// the acknowledgement's commit can have written it); with it off, the same kill -9 loses what
// was not flushed yet (the documented default); a failing store answers UNAVAILABLE.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "gateway_process.h"
#include "http_client.h"
#include "report_builders.h"

namespace fleetgate::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr int kInstances = 10;
constexpr int kRounds = 20;  // unary transitions: kInstances * kRounds
constexpr int kStreamed = 20;

class DurableAckTest : public ::testing::Test {
 protected:
  void Start(const std::string& durable_ack, std::map<std::string, std::string> env = {}) {
    GatewayProcess::Options options;
    options.database = database_;
    options.env = std::move(env);
    options.env.emplace("FLEETGATE_STORAGE_FLUSH_INTERVAL", "30s");
    options.env.emplace("FLEETGATE_STORAGE_DURABLE_ACK", durable_ack);
    gateway_ = std::make_unique<GatewayProcess>();
    ASSERT_TRUE(gateway_->Start(options)) << gateway_->Log();
    stub_ = ReporterStub(gateway_->grpc_target());
  }

  static v1::HealthStatus StatusOf(int round) {
    return round % 2 == 0 ? v1::HEALTH_STATUS_SERVING : v1::HEALTH_STATUS_NOT_SERVING;
  }

  // Reports kInstances * kRounds transitions, one unary Report each; returns how many were
  // acknowledged (OK).
  int ReportUnary() {
    int acknowledged = 0;
    for (int round = 0; round < kRounds; ++round) {
      for (int i = 0; i < kInstances; ++i) {
        v1::ReportResponse response;
        auto batch = Batch("billing", "i-" + std::to_string(i), {HealthEvent(StatusOf(round))});
        if (Report(*stub_, batch, &response).ok() && response.accepted() == 1) ++acknowledged;
      }
    }
    return acknowledged;
  }

  // kStreamed transitions of one instance over one StreamReport; returns the responses read.
  int ReportStreamed() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto stream = stub_->StreamReport(&context);
    int acknowledged = 0;
    for (int round = 0; round < kStreamed; ++round) {
      if (!stream->Write(Batch("billing", "streamed", {HealthEvent(StatusOf(round))}))) break;
      v1::ReportResponse response;
      if (!stream->Read(&response)) break;
      if (response.accepted() == 1) ++acknowledged;
    }
    stream->WritesDone();
    EXPECT_TRUE(stream->Finish().ok());
    return acknowledged;
  }

  size_t HistoryRows() {
    HttpResult result =
        HttpGet(gateway_->http_base() + "/api/v1/services/billing/history?limit=1000");
    EXPECT_EQ(result.status, 200) << result.body;
    return json::parse(result.body)["transitions"].size();
  }

  TempDir dir_;
  std::string database_ = dir_.path() + "/data/fleetgate.db";
  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<v1::Reporter::Stub> stub_;
};

TEST_F(DurableAckTest, OnEveryAcknowledgedTransitionSurvivesKillNine) {
  Start("true");
  const int acknowledged = ReportUnary() + ReportStreamed();
  ASSERT_EQ(acknowledged, kInstances * kRounds + kStreamed);
  ASSERT_EQ(gateway_->Stop(SIGKILL), 128 + SIGKILL);  // right after the last acknowledgement
  Start("true");
  EXPECT_EQ(HistoryRows(), static_cast<size_t>(acknowledged));
}

// The default: an acknowledgement means applied, not committed; up to storage.flush_interval
// of transitions is lost on kill -9 (docs/operations.md).
TEST_F(DurableAckTest, OffAKillNineLosesTheAcknowledgedTransitionsNotYetFlushed) {
  Start("false");
  const int acknowledged = ReportUnary();
  ASSERT_EQ(acknowledged, kInstances * kRounds);
  ASSERT_EQ(gateway_->Stop(SIGKILL), 128 + SIGKILL);
  Start("false");
  EXPECT_LT(HistoryRows(), static_cast<size_t>(acknowledged));
}

// An OTLP export over HTTP whose heartbeat registers a new instance (a first-sighting
// transition to SERVING) is answered after that transition's commit too.
TEST_F(DurableAckTest, OnAnOtlpExportsHeartbeatTransitionSurvivesKillNine) {
  Start("true");
  constexpr int kExporters = 10;
  for (int i = 0; i < kExporters; ++i) {
    const std::string body =
        R"({"resourceMetrics":[{"resource":{"attributes":[)"
        R"({"key":"service.name","value":{"stringValue":"billing"}},)"
        R"({"key":"service.instance.id","value":{"stringValue":"otlp-)" +
        std::to_string(i) +
        R"("}}]},"scopeMetrics":[{"metrics":[{"name":"queue_depth","gauge":{"dataPoints":[)"
        R"({"asDouble":3}]}}]}]}]})";
    HttpResult result = HttpRequest("POST", gateway_->http_base() + "/v1/metrics", body,
                                    {{"Content-Type", "application/json"}});
    ASSERT_EQ(result.status, 200) << result.body;
  }
  ASSERT_EQ(gateway_->Stop(SIGKILL), 128 + SIGKILL);
  Start("true");
  EXPECT_EQ(HistoryRows(), static_cast<size_t>(kExporters));
}

TEST_F(DurableAckTest, AFailingStoreAnswersUnavailableAndMetricsStillFlow) {
  Start("true", {{"FLEETGATE_STORAGE_MAX_SIZE_BYTES", std::to_string(384 * 1024)}});
  const std::string detail(3000, 'x');
  grpc::Status refused;
  int instance = 0;
  bool full = Eventually(
      [&] {
        v1::ReportResponse response;
        refused = Report(*stub_,
                         Batch("billing", "i-" + std::to_string(instance++),
                               {HealthEvent(v1::HEALTH_STATUS_SERVING, detail)}),
                         &response);
        return !refused.ok();
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(full) << "the database never filled up";
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  EXPECT_THAT(refused.error_message(), HasSubstr("history store"));
  // A batch without a transition does not wait for the store.
  v1::ReportResponse response;
  ASSERT_TRUE(
      Report(*stub_, Batch("billing", "i-0", {CounterEvent("jobs_total", 3)}), &response).ok());
  EXPECT_EQ(response.accepted(), 1u);
  EXPECT_TRUE(gateway_->Running());
}

}  // namespace
}  // namespace fleetgate::testing
