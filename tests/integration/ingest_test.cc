// Reporting to the real binary over gRPC, then reading /metrics over HTTP.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "gateway_process.h"
#include "http_client.h"
#include "report_builders.h"

namespace fleetgate::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(gateway_.Start({})) << gateway_.Log();
    stub_ = ReporterStub(gateway_.grpc_target());
  }

  std::string Scrape() {
    HttpResult result = HttpGet(gateway_.http_base() + "/metrics");
    EXPECT_EQ(result.status, 200) << result.error;
    return result.body;
  }

  GatewayProcess gateway_;
  std::unique_ptr<v1::Reporter::Stub> stub_;
};

TEST_F(IngestTest, UnaryReportsAddCountersSetGaugesAndFillHistograms) {
  v1::ReportResponse response;
  auto first = Batch("billing", "i-1",
                     {CounterEvent("requests_total", 2, {{"code", "200"}}),
                      GaugeEvent("queue_depth", 7), ObservationEvent("latency_seconds", 0.3)},
                     41);
  ASSERT_TRUE(Report(*stub_, first, &response).ok());
  EXPECT_EQ(response.batch_id(), 41u);
  EXPECT_EQ(response.accepted(), 3u);
  EXPECT_EQ(response.rejected(), 0u);
  ASSERT_TRUE(Report(*stub_,
                     Batch("billing", "i-1",
                           {CounterEvent("requests_total", 3, {{"code", "200"}}),
                            GaugeEvent("queue_depth", 4)}),
                     &response)
                  .ok());
  std::string text = Scrape();
  EXPECT_THAT(text,
              HasSubstr("requests_total{code=\"200\",instance=\"i-1\",service=\"billing\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("queue_depth{instance=\"i-1\",service=\"billing\"} 4\n"));
  EXPECT_THAT(
      text,
      HasSubstr("latency_seconds_bucket{instance=\"i-1\",service=\"billing\",le=\"0.5\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_count{instance=\"i-1\",service=\"billing\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("fleetgate_events_accepted_total{kind=\"counter\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("fleetgate_batches_total{rpc=\"Report\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("fleetgate_series_active 3\n"));
}

TEST_F(IngestTest, StreamAnswersEachBatchInOrder) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto stream = stub_->StreamReport(&context);
  for (uint64_t id = 1; id <= 20; ++id) {
    ASSERT_TRUE(stream->Write(
        Batch("search", "s-" + std::to_string(id % 3), {CounterEvent("queries_total", 1)}, id)));
    v1::ReportResponse response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.batch_id(), id);
    EXPECT_EQ(response.accepted(), 1u);
  }
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  std::string text = Scrape();
  EXPECT_THAT(text, HasSubstr("queries_total{instance=\"s-0\",service=\"search\"} 6\n"));
  EXPECT_THAT(text, HasSubstr("queries_total{instance=\"s-1\",service=\"search\"} 7\n"));
  EXPECT_THAT(text, HasSubstr("fleetgate_batches_total{rpc=\"StreamReport\"} 20\n"));
}

TEST_F(IngestTest, MetricsPassPromtoolCheck) {
  v1::ReportResponse response;
  ASSERT_TRUE(Report(*stub_,
                     Batch("billing", "i-1",
                           {CounterEvent("requests_total", 1, {{"path", "/a \"quoted\"\n"}}),
                            GaugeEvent("temperature_celsius", -3.5),
                            ObservationEvent("latency_seconds", 0.02),
                            HealthEvent(v1::HEALTH_STATUS_SERVING)}),
                     &response)
                  .ok());
  ASSERT_EQ(response.accepted(), 4u);
  std::string path = gateway_.dir().path() + "/metrics.txt";
  std::ofstream(path) << Scrape();
  std::string command = std::string(PROMTOOL) + " check metrics < " + path + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "") << "promtool complained";
}

TEST_F(IngestTest, MetricsEndpointSpeaksTextFormat004) {
  HttpResult result = HttpGet(gateway_.http_base() + "/metrics");
  EXPECT_EQ(result.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(result.body, HasSubstr("fleetgate_build_info{version=\""));
  EXPECT_THAT(result.body, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(result.body, HasSubstr("# TYPE fleetgate_ingest_duration_seconds histogram"));
}

TEST_F(IngestTest, MissingSourceFailsTheRpc) {
  v1::ReportResponse response;
  grpc::Status status = Report(*stub_, Batch("", "i-1", {GaugeEvent("g", 1)}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("source.service"));
  status = Report(*stub_, Batch("billing", "", {GaugeEvent("g", 1)}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("source.instance"));
}

TEST_F(IngestTest, OversizedMessageIsResourceExhausted) {
  v1::ReportRequest request = Batch("billing", "i-1", {});
  std::string big(64 * 1024, 'x');
  for (int i = 0; i < 80; ++i) {
    *request.add_events() = GaugeEvent("g", 1, {{"blob", big}});
  }
  v1::ReportResponse response;
  grpc::Status status = Report(*stub_, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // The gateway is still there.
  EXPECT_TRUE(Report(*stub_, Batch("billing", "i-1", {GaugeEvent("g", 1)}), &response).ok());
}

TEST_F(IngestTest, BadEventsAreRejectedOneByOneAndGoodOnesKept) {
  v1::ReportRequest request = Batch(
      "billing", "i-1",
      {GaugeEvent("good_gauge", 1), CounterEvent("requests_total", -1), GaugeEvent("bad name", 1),
       GaugeEvent("g", 1, {{"service", "spoofed"}}), CounterEvent("requests", 1),
       GaugeEvent("g", std::nan("")), v1::Event(), HealthEvent(v1::HEALTH_STATUS_UNSPECIFIED),
       GaugeEvent("g", 1, {{"v", std::string(2000, 'x')}}), GaugeEvent("fleetgate_fake", 1),
       CounterEvent("good_total", 1)});
  v1::ReportResponse response;
  ASSERT_TRUE(Report(*stub_, request, &response).ok());
  EXPECT_EQ(response.accepted(), 2u);
  EXPECT_EQ(response.rejected(), 9u);
  std::vector<std::string> reasons;
  for (const auto& rejection : response.rejections()) {
    reasons.push_back(std::to_string(rejection.index()) + ":" + rejection.reason());
    EXPECT_FALSE(rejection.message().empty());
  }
  EXPECT_THAT(reasons,
              ::testing::ElementsAre("1:negative_delta", "2:invalid_name", "3:reserved_label",
                                     "4:invalid_name", "5:non_finite_value", "6:empty_event",
                                     "7:invalid_status", "8:value_too_long", "9:reserved_name"));
  std::string text = Scrape();
  EXPECT_THAT(text, HasSubstr("good_gauge{instance=\"i-1\",service=\"billing\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("good_total{instance=\"i-1\",service=\"billing\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("fleetgate_events_rejected_total{reason=\"negative_delta\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("spoofed")));
}

TEST_F(IngestTest, UndecodableRequestIsInvalidArgumentAndTheGatewayStaysUp) {
  v1::ReportResponse response;
  // Protobuf refuses to decode a proto3 string that is not UTF-8.
  grpc::Status status =
      Report(*stub_, Batch("billing", "i-1", {GaugeEvent("g", 1, {{"v", "\xC3"}})}), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("UTF-8"));
  EXPECT_TRUE(Report(*stub_, Batch("billing", "i-1", {GaugeEvent("g", 1)}), &response).ok());
}

TEST_F(IngestTest, TooManyEventsIsResourceExhausted) {
  v1::ReportRequest request = Batch("billing", "i-1", {});
  for (int i = 0; i < 10001; ++i) *request.add_events() = GaugeEvent("g", i);
  v1::ReportResponse response;
  grpc::Status status = Report(*stub_, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("at most 10000"));
  EXPECT_THAT(Scrape(),
              HasSubstr("fleetgate_events_rejected_total{reason=\"too_many_events\"} 10001\n"));
}

TEST_F(IngestTest, TypeConflictIsRejectedWithReason) {
  v1::ReportResponse response;
  ASSERT_TRUE(Report(*stub_, Batch("billing", "i-1", {GaugeEvent("thing", 1)}), &response).ok());
  ASSERT_TRUE(
      Report(*stub_, Batch("billing", "i-2", {ObservationEvent("thing", 1)}), &response).ok());
  ASSERT_EQ(response.rejections_size(), 1);
  EXPECT_EQ(response.rejections(0).reason(), "type_conflict");
  EXPECT_THAT(response.rejections(0).message(), HasSubstr("gauge"));
}

}  // namespace
}  // namespace fleetgate::testing
