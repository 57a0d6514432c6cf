#include "ingest/ingest_service.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "metrics/exposition.h"

namespace fleetgate::ingest {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

constexpr int kMaxReceiveBytes = 64 * 1024;

v1::ReportRequest CounterBatch(uint64_t batch_id, double delta, std::string service = "billing") {
  v1::ReportRequest request;
  request.set_batch_id(batch_id);
  request.mutable_source()->set_service(std::move(service));
  request.mutable_source()->set_instance("i-1");
  v1::CounterEvent* counter = request.add_events()->mutable_counter();
  counter->set_name("requests_total");
  counter->set_delta(delta);
  return request;
}

class IngestServiceTest : public ::testing::Test {
 protected:
  IngestServiceTest()
      : clock_(std::make_shared<ManualClock>(TimePoint(seconds(1'000'000)))),
        self_registry_(std::make_shared<prometheus::Registry>()),
        self_metrics_(*self_registry_),
        store_(metrics::MetricStoreOptions{}, clock_, &self_metrics_.series_active()),
        registry_(health::RegistryOptions{}, clock_),
        processor_(IngestOptions{}, store_, registry_, self_metrics_),
        service_(processor_) {}

  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                   grpc::InsecureChannelCredentials());
    ASSERT_TRUE(channel_->WaitForConnected(Deadline()));
    stub_ = v1::Reporter::NewStub(channel_);
  }

  void TearDown() override {
    if (server_) server_->Shutdown(Deadline());
  }

  // Every RPC gets one, so no test can hang on the network.
  static std::chrono::system_clock::time_point Deadline() {
    return std::chrono::system_clock::now() + seconds(10);
  }

  grpc::Status Report(const v1::ReportRequest& request, v1::ReportResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return stub_->Report(&context, request, response);
  }

  // The value of one exposed series (reported or self-metric); -1 if absent.
  double Value(const std::string& series) const {
    metrics::Exposition exposition;
    exposition.Add(store_.collectable());
    exposition.Add(self_registry_);
    std::istringstream in(exposition.Render());
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
  }

  double RequestsTotal() const {
    return Value("requests_total{instance=\"i-1\",service=\"billing\"}");
  }

  std::shared_ptr<ManualClock> clock_;
  std::shared_ptr<prometheus::Registry> self_registry_;
  metrics::IngestMetrics self_metrics_;
  metrics::MetricStore store_;
  health::HealthRegistry registry_;
  BatchProcessor processor_;
  IngestService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Reporter::Stub> stub_;
};

TEST_F(IngestServiceTest, UnaryReportReturnsTheResponseWithRejections) {
  v1::ReportRequest request = CounterBatch(77, 2);
  request.add_events()->mutable_gauge()->set_name("bad name");
  v1::CounterEvent* negative = request.add_events()->mutable_counter();
  negative->set_name("requests_total");
  negative->set_delta(-1);

  v1::ReportResponse response;
  grpc::Status status = Report(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.batch_id(), 77u);
  EXPECT_EQ(response.accepted(), 1u);
  EXPECT_EQ(response.rejected(), 2u);
  ASSERT_EQ(response.rejections_size(), 2);
  EXPECT_EQ(response.rejections(0).index(), 1u);
  EXPECT_EQ(response.rejections(0).reason(), "invalid_name");
  EXPECT_THAT(response.rejections(0).message(), HasSubstr("bad name"));
  EXPECT_EQ(response.rejections(1).index(), 2u);
  EXPECT_EQ(response.rejections(1).reason(), "negative_delta");
  EXPECT_EQ(RequestsTotal(), 2);
  EXPECT_EQ(Value("fleetgate_batches_total{rpc=\"Report\"}"), 1);
}

TEST_F(IngestServiceTest, UnaryReportWithoutInstanceFailsWithInvalidArgument) {
  v1::ReportRequest request = CounterBatch(1, 2);
  request.mutable_source()->clear_instance();
  v1::ReportResponse response;
  grpc::Status status = Report(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("source.instance"));
  EXPECT_EQ(RequestsTotal(), -1);
}

TEST_F(IngestServiceTest, StreamReportAnswersEachRequestOnceAndInOrder) {
  constexpr int kBatches = 50;
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  auto stream = stub_->StreamReport(&context);
  std::thread writer([&] {
    for (int i = 0; i < kBatches; ++i) {
      if (!stream->Write(CounterBatch(1000 + i, i + 1))) break;
    }
    stream->WritesDone();
  });
  std::vector<uint64_t> batch_ids;
  std::vector<uint32_t> accepted;
  v1::ReportResponse response;
  while (stream->Read(&response)) {
    batch_ids.push_back(response.batch_id());
    accepted.push_back(response.accepted());
  }
  writer.join();
  grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();

  std::vector<uint64_t> expected_ids;
  for (int i = 0; i < kBatches; ++i) expected_ids.push_back(1000 + i);
  EXPECT_THAT(batch_ids, ElementsAreArray(expected_ids));
  EXPECT_THAT(accepted, ::testing::Each(1u));
  EXPECT_EQ(RequestsTotal(), kBatches * (kBatches + 1) / 2);
  EXPECT_EQ(Value("fleetgate_batches_total{rpc=\"StreamReport\"}"), kBatches);
}

TEST_F(IngestServiceTest, StreamReportWithNoRequestsEndsCleanly) {
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  auto stream = stub_->StreamReport(&context);
  ASSERT_TRUE(stream->WritesDone());
  v1::ReportResponse response;
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(IngestServiceTest, StreamEndsWithInvalidArgumentAfterARequestWithoutService) {
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  auto stream = stub_->StreamReport(&context);
  // Writes after the stream failed may return false; the responses tell what was applied.
  stream->Write(CounterBatch(1, 1));
  stream->Write(CounterBatch(2, 2));
  stream->Write(CounterBatch(3, 4, /*service=*/""));
  stream->Write(CounterBatch(4, 8));
  stream->WritesDone();

  std::vector<uint64_t> batch_ids;
  v1::ReportResponse response;
  while (stream->Read(&response)) batch_ids.push_back(response.batch_id());
  grpc::Status status = stream->Finish();
  EXPECT_THAT(batch_ids, ElementsAreArray({1u, 2u}));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("source.service"));
  EXPECT_EQ(RequestsTotal(), 1 + 2);  // the fourth batch was never read
}

TEST_F(IngestServiceTest, OversizedMessageIsResourceExhaustedAndTheServerStaysUp) {
  v1::ReportRequest request = CounterBatch(1, 5);
  v1::HealthEvent* health = request.add_events()->mutable_health();
  health->set_status(v1::HEALTH_STATUS_SERVING);
  health->set_detail(std::string(kMaxReceiveBytes + 1024, 'x'));
  ASSERT_GT(request.ByteSizeLong(), static_cast<size_t>(kMaxReceiveBytes));

  v1::ReportResponse response;
  grpc::Status status = Report(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(RequestsTotal(), -1);
  EXPECT_EQ(registry_.size(), 0u);

  ASSERT_TRUE(Report(CounterBatch(2, 3), &response).ok());
  EXPECT_EQ(RequestsTotal(), 3);
}

TEST_F(IngestServiceTest, OversizedMessageOnAStreamEndsItWithResourceExhausted) {
  v1::ReportRequest oversized = CounterBatch(2, 5);
  oversized.add_events()->mutable_gauge()->set_name(std::string(kMaxReceiveBytes + 1024, 'g'));

  grpc::ClientContext context;
  context.set_deadline(Deadline());
  auto stream = stub_->StreamReport(&context);
  stream->Write(CounterBatch(1, 1));
  v1::ReportResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.batch_id(), 1u);
  stream->Write(oversized);
  stream->WritesDone();
  EXPECT_FALSE(stream->Read(&response));
  // The client must learn that its batch was not applied: not a silent OK.
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(RequestsTotal(), 1);
}

// A batch whose label value is not UTF-8. The C++ client serializes it (protobuf logs an error);
// the server's proto3 parser refuses the whole message before BatchProcessor sees it.
v1::ReportRequest InvalidUtf8Batch(uint64_t batch_id) {
  v1::ReportRequest request = CounterBatch(batch_id, 1);
  v1::GaugeEvent* gauge = request.add_events()->mutable_gauge();
  gauge->set_name("workers");
  (*gauge->mutable_labels())["pool"] = "\xC3\x28";
  gauge->set_value(1);
  return request;
}

// Protobuf refuses to decode a proto3 string that is not UTF-8; such a batch fails the stream with
// INVALID_ARGUMENT after the answers to the batches before it, and nothing after it is applied.
TEST_F(IngestServiceTest, UndecodableRequestEndsTheStreamWithInvalidArgument) {
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  auto stream = stub_->StreamReport(&context);
  stream->Write(CounterBatch(1, 1));
  v1::ReportResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.batch_id(), 1u);
  stream->Write(InvalidUtf8Batch(2));
  stream->Write(CounterBatch(3, 1));
  stream->WritesDone();
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("UTF-8"));
}

TEST_F(IngestServiceTest, UndecodableUnaryRequestIsInvalidArgument) {
  v1::ReportResponse response;
  grpc::Status status = Report(InvalidUtf8Batch(9), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("fleetgate.v1.ReportRequest"));
}

// A request gRPC hands over in several slices is read as one (copied into one buffer); cut short,
// it is refused.
TEST_F(IngestServiceTest, ARequestInSeveralSlicesIsReadAsOne) {
  const std::string bytes = CounterBatch(5, 3).SerializeAsString();
  std::vector<grpc::Slice> slices;
  for (size_t at = 0; at < bytes.size(); at += 7) slices.emplace_back(bytes.substr(at, 7));
  ASSERT_GT(slices.size(), 2u);
  grpc::ByteBuffer request(slices.data(), slices.size());
  grpc::ByteBuffer encoded;
  ASSERT_TRUE(ProcessRaw(processor_, request, &encoded, "Report").ok());
  v1::ReportResponse response;
  ASSERT_TRUE(grpc::SerializationTraits<v1::ReportResponse>::Deserialize(&encoded, &response).ok());
  EXPECT_EQ(response.batch_id(), 5u);
  EXPECT_EQ(response.accepted(), 1u);
  EXPECT_EQ(RequestsTotal(), 3);

  slices.pop_back();  // the counter event's last bytes
  grpc::ByteBuffer truncated(slices.data(), slices.size());
  EXPECT_EQ(ProcessRaw(processor_, truncated, &encoded, "Report").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(RequestsTotal(), 3);
}

TEST_F(IngestServiceTest, ConcurrentUnaryCallsAllSucceedAndAddUp) {
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 25;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int c = 0; c < kCallsPerThread; ++c) {
        v1::ReportResponse response;
        grpc::Status status = Report(CounterBatch(t * 1000 + c, t + 1), &response);
        if (!status.ok() || response.accepted() != 1 ||
            response.batch_id() != static_cast<uint64_t>(t * 1000 + c)) {
          ++failures[t];
          errors[t] = status.error_message();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(failures[t], 0) << "thread " << t << ": " << errors[t];
  EXPECT_EQ(RequestsTotal(), kCallsPerThread * kThreads * (kThreads + 1) / 2);
  EXPECT_EQ(Value("fleetgate_batches_total{rpc=\"Report\"}"), kThreads * kCallsPerThread);
  EXPECT_EQ(processor_.InFlight(), 0u);
}

TEST_F(IngestServiceTest, DrainingAnswersUnavailableOnBothRpcs) {
  processor_.Drain();
  v1::ReportResponse response;
  grpc::Status unary = Report(CounterBatch(1, 1), &response);
  EXPECT_EQ(unary.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(unary.error_message(), HasSubstr("retry"));

  grpc::ClientContext context;
  context.set_deadline(Deadline());
  auto stream = stub_->StreamReport(&context);
  stream->Write(CounterBatch(2, 1));
  stream->WritesDone();
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(RequestsTotal(), -1);
}

}  // namespace
}  // namespace fleetgate::ingest
