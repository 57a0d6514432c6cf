#include "ingest/batch_processor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ingest/grpc_status.h"
#include "ingest/series_budget.h"
#include "metrics/exposition.h"
#include "metrics/rejection.h"

namespace fleetgate::ingest {
namespace {

using health::Status;
using std::chrono::seconds;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
namespace reason = metrics::reason;

using Labels = std::vector<std::pair<std::string, std::string>>;

template <typename Metric>
void Fill(Metric& metric, std::string name, Labels labels) {
  metric.set_name(std::move(name));
  for (auto& [label, value] : labels) (*metric.mutable_labels())[label] = value;
}

v1::Event Counter(std::string name, double delta, Labels labels = {}) {
  v1::Event event;
  Fill(*event.mutable_counter(), std::move(name), std::move(labels));
  event.mutable_counter()->set_delta(delta);
  return event;
}

v1::Event Gauge(std::string name, double value, Labels labels = {}) {
  v1::Event event;
  Fill(*event.mutable_gauge(), std::move(name), std::move(labels));
  event.mutable_gauge()->set_value(value);
  return event;
}

v1::Event Observation(std::string name, double value, Labels labels = {}) {
  v1::Event event;
  Fill(*event.mutable_observation(), std::move(name), std::move(labels));
  event.mutable_observation()->set_value(value);
  return event;
}

v1::Event Health(v1::HealthStatus status, std::string detail = "", uint32_t ttl_seconds = 0) {
  v1::Event event;
  v1::HealthEvent* health = event.mutable_health();
  health->set_status(status);
  health->set_detail(std::move(detail));
  health->set_ttl_seconds(ttl_seconds);
  return event;
}

v1::Event WithCheck(v1::Event event, std::string name, v1::HealthStatus status,
                    std::string detail = "") {
  v1::Check* check = event.mutable_health()->add_checks();
  check->set_name(std::move(name));
  check->set_status(status);
  check->set_detail(std::move(detail));
  return event;
}

// An event with a timestamp but none of counter, gauge, observation, health.
v1::Event Empty() {
  v1::Event event;
  event.mutable_time()->set_seconds(1'700'000'000);
  return event;
}

Labels ManyLabels(int count) {
  Labels labels;
  for (int i = 0; i < count; ++i) labels.emplace_back("l" + std::to_string(i), "v");
  return labels;
}

v1::ReportRequest Batch(std::vector<v1::Event> events, uint64_t batch_id = 1,
                        Labels source_labels = {}, std::string service = "billing",
                        std::string instance = "i-1") {
  v1::ReportRequest request;
  request.set_batch_id(batch_id);
  v1::Source* source = request.mutable_source();
  source->set_service(std::move(service));
  source->set_instance(std::move(instance));
  source->set_version("1.2.3");
  for (auto& [name, value] : source_labels) (*source->mutable_labels())[name] = value;
  for (auto& event : events) *request.add_events() = std::move(event);
  return request;
}

struct Result {
  grpc::Status status;
  v1::ReportResponse response;
};

class BatchProcessorTest : public ::testing::Test {
 protected:
  BatchProcessorTest()
      : clock_(std::make_shared<ManualClock>(TimePoint(seconds(1'000'000)))),
        self_registry_(std::make_shared<prometheus::Registry>()),
        self_metrics_(*self_registry_),
        registry_(TestRegistryOptions(), clock_) {
    Use(IngestOptions{});
  }

  static health::RegistryOptions TestRegistryOptions() {
    health::RegistryOptions options;
    options.default_ttl = seconds(30);
    return options;
  }

  // Starts over with a fresh store and processor; call before the first batch.
  void Use(IngestOptions options, metrics::MetricStoreOptions store_options = {}) {
    processor_.reset();
    store_ = std::make_unique<metrics::MetricStore>(std::move(store_options), clock_,
                                                    &self_metrics_.series_active());
    processor_ =
        std::make_unique<BatchProcessor>(std::move(options), *store_, registry_, self_metrics_);
  }

  Result Process(const v1::ReportRequest& request, std::string_view rpc = "Report") {
    Result result;
    result.status = ToGrpcStatus(processor_->Process(request, &result.response, rpc));
    return result;
  }

  std::string Text() const {
    metrics::Exposition exposition;
    exposition.Add(store_->collectable());
    exposition.Add(self_registry_);
    return exposition.Render();
  }

  // Every sample line of the exposition (comments dropped).
  std::vector<std::string> Samples() const {
    std::vector<std::string> lines;
    std::istringstream in(Text());
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line[0] != '#') lines.push_back(line);
    }
    return lines;
  }

  // The value of one exposed series, e.g. `fleetgate_batches_total{rpc="Report"}`; -1 if absent.
  double Value(const std::string& series) const {
    for (const std::string& line : Samples()) {
      if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
  }

  double Rejected(std::string_view why) const {
    return Value("fleetgate_events_rejected_total{reason=\"" + std::string(why) + "\"}");
  }
  double Accepted(std::string_view kind) const {
    return Value("fleetgate_events_accepted_total{kind=\"" + std::string(kind) + "\"}");
  }
  double Batches(std::string_view rpc) const {
    return Value("fleetgate_batches_total{rpc=\"" + std::string(rpc) + "\"}");
  }

  // Asserts the batch was applied with exactly these rejections (index, reason), in order.
  static void ExpectRejections(const Result& result,
                               const std::vector<std::pair<uint32_t, std::string_view>>& expected) {
    ASSERT_TRUE(result.status.ok()) << result.status.error_message();
    ASSERT_EQ(result.response.rejections_size(), static_cast<int>(expected.size()));
    EXPECT_EQ(result.response.rejected(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      const v1::Rejection& rejection = result.response.rejections(static_cast<int>(i));
      EXPECT_EQ(rejection.index(), expected[i].first) << "rejection " << i;
      EXPECT_EQ(rejection.reason(), expected[i].second) << "rejection " << i;
      EXPECT_FALSE(rejection.message().empty()) << "rejection " << i;
    }
  }

  std::shared_ptr<ManualClock> clock_;
  std::shared_ptr<prometheus::Registry> self_registry_;
  metrics::IngestMetrics self_metrics_;
  health::HealthRegistry registry_;
  std::unique_ptr<metrics::MetricStore> store_;
  std::unique_ptr<BatchProcessor> processor_;
};

TEST_F(BatchProcessorTest, KeepsGoodEventsAndRejectsBadOnesWithTheirIndex) {
  Result result =
      Process(Batch({Counter("requests_total", 2, {{"code", "200"}}),
                     Counter("requests_total", -1, {{"code", "500"}}), Gauge("queue_depth", 7),
                     Empty(), Observation("latency", 0.5), Health(v1::HEALTH_STATUS_SERVING),
                     Gauge("temperature", std::nan(""))},
                    42));
  ExpectRejections(
      result,
      {{1, reason::kNegativeDelta}, {3, reason::kEmptyEvent}, {6, reason::kNonFiniteValue}});
  EXPECT_EQ(result.response.batch_id(), 42u);
  EXPECT_EQ(result.response.accepted(), 4u);
  EXPECT_THAT(result.response.rejections(0).message(), HasSubstr("requests_total"));
  EXPECT_THAT(result.response.rejections(2).message(), HasSubstr("temperature"));

  auto samples = Samples();
  EXPECT_THAT(samples,
              Contains("requests_total{code=\"200\",instance=\"i-1\",service=\"billing\"} 2"));
  EXPECT_THAT(samples, Contains("queue_depth{instance=\"i-1\",service=\"billing\"} 7"));
  EXPECT_THAT(samples, Contains("latency_count{instance=\"i-1\",service=\"billing\"} 1"));
  EXPECT_THAT(Text(), Not(HasSubstr("code=\"500\"")));
  EXPECT_THAT(Text(), Not(HasSubstr("temperature")));
  EXPECT_EQ(store_->ActiveSeries(), 3u);
}

// The processor prepares events ahead of applying them; each must still see the ones before.
TEST_F(BatchProcessorTest, LaterEventsSeeSeriesCreatedEarlierInTheSameBatch) {
  Result result = Process(
      Batch({Counter("requests_total", 1, {{"code", "200"}}),
             Counter("requests_total", 2, {{"code", "200"}}), Health(v1::HEALTH_STATUS_SERVING),
             Counter("requests_total", 4, {{"code", "200"}}), Empty(),
             Gauge("requests_total", 1, {{"code", "200"}}),
             Counter("requests_total", 8, {{"code", "200"}}), Gauge("queue_depth", 1),
             Gauge("queue_depth", 2)}));
  ExpectRejections(result, {{4, reason::kEmptyEvent}, {5, reason::kTypeConflict}});
  EXPECT_EQ(result.response.accepted(), 7u);
  auto samples = Samples();
  EXPECT_THAT(samples,
              Contains("requests_total{code=\"200\",instance=\"i-1\",service=\"billing\"} 15"));
  EXPECT_THAT(samples, Contains("queue_depth{instance=\"i-1\",service=\"billing\"} 2"));
  EXPECT_EQ(store_->ActiveSeries(), 2u);
}

TEST_F(BatchProcessorTest, EchoesTheBatchIdEvenForAnEmptyBatch) {
  Result result = Process(Batch({}, std::numeric_limits<uint64_t>::max()));
  ExpectRejections(result, {});
  EXPECT_EQ(result.response.batch_id(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(result.response.accepted(), 0u);
}

TEST_F(BatchProcessorTest, CounterDeltasAddAcrossBatches) {
  ExpectRejections(
      Process(Batch({Counter("requests_total", 2, {{"code", "200"}})}, 1, {{"env", "prod"}})), {});
  ExpectRejections(Process(Batch({Counter("requests_total", 3, {{"code", "200"}}),
                                  Counter("requests_total", 0, {{"code", "200"}})},
                                 2, {{"env", "prod"}})),
                   {});
  EXPECT_THAT(Samples(), Contains("requests_total{code=\"200\",env=\"prod\",instance=\"i-1\","
                                  "service=\"billing\"} 5"));
  EXPECT_EQ(store_->ActiveSeries(), 1u);
}

TEST_F(BatchProcessorTest, GaugesKeepTheLastValueAndObservationsFillConfiguredBuckets) {
  metrics::MetricStoreOptions store_options;
  store_options.buckets["latency_seconds"] = {0.1, 1};
  Use(IngestOptions{}, store_options);
  ExpectRejections(
      Process(Batch({Gauge("queue_depth", 7), Gauge("queue_depth", -2.5),
                     Observation("latency_seconds", 0.05), Observation("latency_seconds", 0.5),
                     Observation("latency_seconds", 5)})),
      {});
  auto samples = Samples();
  EXPECT_THAT(samples, Contains("queue_depth{instance=\"i-1\",service=\"billing\"} -2.5"));
  EXPECT_THAT(samples, Contains("latency_seconds_bucket{instance=\"i-1\",service=\"billing\","
                                "le=\"0.1\"} 1"));
  EXPECT_THAT(samples, Contains("latency_seconds_bucket{instance=\"i-1\",service=\"billing\","
                                "le=\"1\"} 2"));
  EXPECT_THAT(samples, Contains("latency_seconds_bucket{instance=\"i-1\",service=\"billing\","
                                "le=\"+Inf\"} 3"));
  EXPECT_THAT(samples, Contains("latency_seconds_count{instance=\"i-1\",service=\"billing\"} 3"));
  EXPECT_THAT(samples, Contains("latency_seconds_sum{instance=\"i-1\",service=\"billing\"} 5.55"));
}

TEST_F(BatchProcessorTest, AppliesSourceLabelsToEverySeries) {
  ExpectRejections(Process(Batch({Counter("jobs_total", 1), Gauge("workers", 4, {{"pool", "a"}})},
                                 1, {{"region", "eu"}, {"env", "prod"}})),
                   {});
  auto samples = Samples();
  EXPECT_THAT(samples, Contains("jobs_total{env=\"prod\",instance=\"i-1\",region=\"eu\","
                                "service=\"billing\"} 1"));
  EXPECT_THAT(samples, Contains("workers{env=\"prod\",instance=\"i-1\",pool=\"a\",region=\"eu\","
                                "service=\"billing\"} 4"));
}

TEST_F(BatchProcessorTest, EventLabelOverridesSourceLabel) {
  ExpectRejections(Process(Batch({Gauge("workers", 4, {{"env", "canary"}}), Gauge("workers", 9)}, 1,
                                 {{"env", "prod"}, {"region", "eu"}})),
                   {});
  auto samples = Samples();
  EXPECT_THAT(samples, Contains("workers{env=\"canary\",instance=\"i-1\",region=\"eu\","
                                "service=\"billing\"} 4"));
  EXPECT_THAT(samples, Contains("workers{env=\"prod\",instance=\"i-1\",region=\"eu\","
                                "service=\"billing\"} 9"));
}

TEST_F(BatchProcessorTest, SeriesOfDifferentInstancesAreApart) {
  ExpectRejections(Process(Batch({Counter("jobs_total", 1)}, 1, {}, "billing", "i-1")), {});
  ExpectRejections(Process(Batch({Counter("jobs_total", 2)}, 2, {}, "billing", "i-2")), {});
  ExpectRejections(Process(Batch({Counter("jobs_total", 4)}, 3, {}, "payments", "i-1")), {});
  auto samples = Samples();
  EXPECT_THAT(samples, Contains("jobs_total{instance=\"i-1\",service=\"billing\"} 1"));
  EXPECT_THAT(samples, Contains("jobs_total{instance=\"i-2\",service=\"billing\"} 2"));
  EXPECT_THAT(samples, Contains("jobs_total{instance=\"i-1\",service=\"payments\"} 4"));
}

TEST_F(BatchProcessorTest, RejectsBadMetricNames) {
  Result result = Process(Batch({Gauge("bad name", 1), Counter("requests", 1), Gauge("9lives", 1),
                                 Gauge("fleetgate_events", 1), Gauge("__secret", 1),
                                 Gauge("caf\xC3", 1), Gauge("", 1), Gauge("ok:name", 1)}));
  ExpectRejections(result, {{0, reason::kInvalidName},
                            {1, reason::kInvalidName},
                            {2, reason::kInvalidName},
                            {3, reason::kReservedName},
                            {4, reason::kReservedName},
                            {5, reason::kInvalidUtf8},
                            {6, reason::kInvalidName}});
  EXPECT_THAT(result.response.rejections(1).message(), HasSubstr("_total"));
  EXPECT_EQ(result.response.accepted(), 1u);
  EXPECT_EQ(Rejected(reason::kInvalidName), 4);
  EXPECT_EQ(Rejected(reason::kReservedName), 2);
  EXPECT_EQ(Rejected(reason::kInvalidUtf8), 1);
}

TEST_F(BatchProcessorTest, RejectsEventLabelsTheGatewayOwns) {
  Result result = Process(Batch(
      {Counter("jobs_total", 1, {{"service", "evil"}}), Gauge("workers", 1, {{"instance", "i-9"}}),
       Observation("latency", 1, {{"le", "0.5"}}), Gauge("workers", 1, {{"__x", "y"}})}));
  ExpectRejections(result, {{0, reason::kReservedLabel},
                            {1, reason::kReservedLabel},
                            {2, reason::kReservedLabel},
                            {3, reason::kReservedLabel}});
  EXPECT_THAT(result.response.rejections(0).message(), HasSubstr("\"service\""));
  EXPECT_THAT(result.response.rejections(2).message(), HasSubstr("\"le\""));
  EXPECT_EQ(Rejected(reason::kReservedLabel), 4);
  EXPECT_THAT(Text(), Not(HasSubstr("evil")));
  EXPECT_EQ(store_->ActiveSeries(), 0u);
}

TEST_F(BatchProcessorTest, RejectsBadLabelNamesAndValues) {
  Result result = Process(
      Batch({Gauge("g", 1, {{"bad-label", "x"}}), Gauge("g", 1, {{std::string(129, 'n'), "x"}}),
             Gauge("g", 1, {{std::string(128, 'n'), "x"}}),
             Gauge("g", 1, {{"path", std::string(1025, 'v')}}),
             Gauge("g", 1, {{"path", std::string(1024, 'v')}}),
             Gauge("g", 1, {{"path", "\xC3\x28"}}), Gauge("g", 1, {{"path", "caf\xC3\xA9"}})}));
  ExpectRejections(result, {{0, reason::kInvalidLabelName},
                            {1, reason::kLabelNameTooLong},
                            {3, reason::kValueTooLong},
                            {5, reason::kInvalidUtf8}});
  EXPECT_EQ(result.response.accepted(), 3u);
  EXPECT_THAT(Samples(),
              Contains("g{instance=\"i-1\",path=\"caf\xC3\xA9\",service=\"billing\"} 1"));
}

TEST_F(BatchProcessorTest, CountsSourceLabelsTowardsTheLabelLimit) {
  // 30 labels per series by default: service, instance, one source label and 27 of the event's.
  Result result = Process(Batch(
      {Gauge("wide", 1, ManyLabels(27)), Gauge("wide", 1, ManyLabels(28))}, 1, {{"env", "prod"}}));
  ExpectRejections(result, {{1, reason::kTooManyLabels}});
  EXPECT_THAT(result.response.rejections(0).message(), HasSubstr("at most 30 labels"));
}

TEST_F(BatchProcessorTest, RejectsNegativeDeltasAndNonFiniteValues) {
  const double inf = std::numeric_limits<double>::infinity();
  Result result =
      Process(Batch({Counter("c_total", -0.5), Counter("c_total", inf), Gauge("g", std::nan("")),
                     Gauge("g", -inf), Observation("h", inf), Counter("c_total", std::nan("")),
                     Gauge("g", -3), Observation("h", -3)}));
  ExpectRejections(result, {{0, reason::kNegativeDelta},
                            {1, reason::kNonFiniteValue},
                            {2, reason::kNonFiniteValue},
                            {3, reason::kNonFiniteValue},
                            {4, reason::kNonFiniteValue},
                            {5, reason::kNonFiniteValue}});
  EXPECT_EQ(result.response.accepted(), 2u);  // gauges and observations may be negative
  EXPECT_EQ(Rejected(reason::kNonFiniteValue), 5);
  EXPECT_EQ(Rejected(reason::kNegativeDelta), 1);
}

TEST_F(BatchProcessorTest, NameKeepsItsFirstTypeAcrossBatches) {
  ExpectRejections(Process(Batch({Gauge("temperature", 20)})), {});
  Result result =
      Process(Batch({Observation("temperature", 1), Observation("temperature", 1, {{"room", "a"}}),
                     Gauge("temperature", 21)}));
  ExpectRejections(result, {{0, reason::kTypeConflict}, {1, reason::kTypeConflict}});
  EXPECT_THAT(result.response.rejections(1).message(), HasSubstr("gauge"));
  EXPECT_THAT(Samples(), Contains("temperature{instance=\"i-1\",service=\"billing\"} 21"));
}

TEST_F(BatchProcessorTest, EnforcesTheSeriesLimitPerMetricAndService) {
  metrics::MetricStoreOptions store_options;
  store_options.max_series_per_metric = 2;
  Use(IngestOptions{}, store_options);
  Result result = Process(Batch({Gauge("g", 1, {{"k", "a"}}), Gauge("g", 1, {{"k", "b"}}),
                                 Gauge("g", 1, {{"k", "c"}}), Gauge("g", 5, {{"k", "a"}})}));
  ExpectRejections(result, {{2, reason::kSeriesLimit}});
  EXPECT_THAT(result.response.rejections(0).message(), HasSubstr("\"billing\""));
  // Another service has its own allowance.
  ExpectRejections(Process(Batch({Gauge("g", 1, {{"k", "c"}})}, 2, {}, "payments")), {});
  EXPECT_THAT(Samples(), Contains("g{instance=\"i-1\",k=\"a\",service=\"billing\"} 5"));
  EXPECT_EQ(Rejected(reason::kSeriesLimit), 1);
}

TEST_F(BatchProcessorTest, EnforcesTheTotalSeriesLimit) {
  metrics::MetricStoreOptions store_options;
  store_options.max_series_total = 3;
  Use(IngestOptions{}, store_options);
  Result result = Process(Batch({Gauge("a", 1), Counter("b_total", 1), Observation("c", 1),
                                 Gauge("d", 1), Counter("b_total", 1)}));
  ExpectRejections(result, {{3, reason::kTotalSeriesLimit}});
  EXPECT_EQ(store_->ActiveSeries(), 3u);
  EXPECT_EQ(Value("fleetgate_series_active"), 3);
  EXPECT_THAT(Samples(), Contains("b_total{instance=\"i-1\",service=\"billing\"} 2"));
}

TEST_F(BatchProcessorTest, RefusesABatchOverTheEventLimitWholeAndCountsIt) {
  IngestOptions options;
  options.max_events_per_batch = 3;
  Use(options);
  Result result =
      Process(Batch({Counter("a_total", 1), Counter("b_total", 1), Counter("c_total", 1),
                     Counter("d_total", 1), Health(v1::HEALTH_STATUS_SERVING)}));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(result.status.error_message(), HasSubstr("at most 3 per batch"));
  EXPECT_EQ(Value("a_total{instance=\"i-1\",service=\"billing\"}"), -1);
  EXPECT_FALSE(registry_.Find("billing", "i-1"));
  EXPECT_EQ(Rejected(reason::kTooManyEvents), 5);
  // A batch at the limit is applied.
  result = Process(Batch({Counter("a_total", 1), Counter("b_total", 1), Counter("c_total", 1)}));
  EXPECT_TRUE(result.status.ok());
  EXPECT_EQ(result.response.accepted(), 3u);
}

TEST_F(BatchProcessorTest, RejectsInvalidHealthEventsAndKeepsTheLastGoodStatus) {
  IngestOptions options;
  options.max_checks = 2;
  options.max_detail_bytes = 32;
  Use(options);
  ExpectRejections(Process(Batch({Health(v1::HEALTH_STATUS_SERVING, "all good")})), {});

  v1::Event three_checks = Health(v1::HEALTH_STATUS_NOT_SERVING);
  for (const char* name : {"a", "b", "c"}) {
    three_checks = WithCheck(three_checks, name, v1::HEALTH_STATUS_SERVING);
  }
  Result result = Process(
      Batch({Health(v1::HEALTH_STATUS_UNSPECIFIED), Health(static_cast<v1::HealthStatus>(17)),
             Health(v1::HEALTH_STATUS_NOT_SERVING, "", 86'401), three_checks,
             WithCheck(Health(v1::HEALTH_STATUS_NOT_SERVING), "", v1::HEALTH_STATUS_SERVING),
             WithCheck(Health(v1::HEALTH_STATUS_NOT_SERVING), "db", v1::HEALTH_STATUS_UNSPECIFIED),
             Health(v1::HEALTH_STATUS_NOT_SERVING, std::string(33, 'd')),
             Health(v1::HEALTH_STATUS_NOT_SERVING, "\xF5\x80\x80\x80")}));
  ExpectRejections(result, {{0, reason::kInvalidStatus},
                            {1, reason::kInvalidStatus},
                            {2, reason::kInvalidTtl},
                            {3, reason::kTooManyChecks},
                            {4, reason::kInvalidCheck},
                            {5, reason::kInvalidCheck},
                            {6, reason::kValueTooLong},
                            {7, reason::kInvalidUtf8}});
  auto found = registry_.Find("billing", "i-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, Status::kServing);
  EXPECT_EQ(found->detail, "all good");
  EXPECT_THAT(found->checks, IsEmpty());
  EXPECT_EQ(Accepted("health"), 1);
}

TEST_F(BatchProcessorTest, HealthEventsReachTheRegistry) {
  v1::Event event = Health(v1::HEALTH_STATUS_DEGRADED, "replica lag", 60);
  event = WithCheck(event, "db", v1::HEALTH_STATUS_DEGRADED, "lag 12s");
  event = WithCheck(event, "cache", v1::HEALTH_STATUS_SERVING);
  ExpectRejections(Process(Batch({event})), {});

  auto found = registry_.Find("billing", "i-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, Status::kDegraded);
  EXPECT_EQ(found->detail, "replica lag");
  EXPECT_EQ(found->version, "1.2.3");
  EXPECT_EQ(found->ttl, seconds(60));
  EXPECT_EQ(found->expires_at, clock_->Now() + seconds(60));
  ASSERT_EQ(found->checks.size(), 2u);
  EXPECT_EQ(found->checks[0].name, "db");
  EXPECT_EQ(found->checks[0].status, Status::kDegraded);
  EXPECT_EQ(found->checks[0].detail, "lag 12s");
  EXPECT_EQ(found->checks[1].name, "cache");
  EXPECT_EQ(found->checks[1].status, Status::kServing);

  // The TTL it reported bounds how long the status holds.
  clock_->Advance(seconds(59));
  registry_.Sweep();
  EXPECT_EQ(registry_.Find("billing", "i-1")->status, Status::kDegraded);
  clock_->Advance(seconds(2));
  registry_.Sweep();
  EXPECT_EQ(registry_.Find("billing", "i-1")->status, Status::kStale);
}

TEST_F(BatchProcessorTest, HealthWithoutTtlHoldsForTheRegistryDefault) {
  ExpectRejections(Process(Batch({Health(v1::HEALTH_STATUS_SERVING)})), {});
  auto found = registry_.Find("billing", "i-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, Status::kServing);
  EXPECT_EQ(found->ttl, seconds(30));
}

TEST_F(BatchProcessorTest, AnAcceptedEventMarksTheInstanceSeen) {
  ExpectRejections(Process(Batch({Gauge("queue_depth", 1)})), {});
  auto found = registry_.Find("billing", "i-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, Status::kUnknown);
  EXPECT_EQ(found->version, "1.2.3");
  EXPECT_EQ(found->last_seen, clock_->Now());

  clock_->Advance(seconds(5));
  ExpectRejections(Process(Batch({Counter("jobs_total", 1)}, 2, {}, "billing", "i-1")), {});
  EXPECT_EQ(registry_.Find("billing", "i-1")->last_seen, clock_->Now());
}

TEST_F(BatchProcessorTest, ABatchWithoutAnAcceptedEventRegistersNothing) {
  ExpectRejections(Process(Batch({}, 1, {}, "billing", "empty")), {});
  ExpectRejections(Process(Batch({Counter("bad", 1), Health(v1::HEALTH_STATUS_UNSPECIFIED)}, 2, {},
                                 "billing", "refused")),
                   {{0, reason::kInvalidName}, {1, reason::kInvalidStatus}});
  EXPECT_FALSE(registry_.Find("billing", "empty"));
  EXPECT_FALSE(registry_.Find("billing", "refused"));
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(BatchProcessorTest, AHealthEventOfANewInstanceBeyondTheCapIsRejectedAndCounted) {
  health::RegistryOptions capped = TestRegistryOptions();
  capped.max_instances = 3;
  capped.max_instances_per_service = 2;
  health::HealthRegistry registry(capped, clock_);
  processor_ = std::make_unique<BatchProcessor>(IngestOptions{}, *store_, registry, self_metrics_);
  auto report = [&](const std::string& service, const std::string& instance) {
    return Process(Batch({Health(v1::HEALTH_STATUS_SERVING)}, 1, {}, service, instance));
  };
  ExpectRejections(report("billing", "i-1"), {});
  ExpectRejections(report("billing", "i-2"), {});
  ExpectRejections(report("billing", "i-3"), {{0, reason::kInstanceLimit}});  // per service
  ExpectRejections(report("search", "i-1"), {});
  ExpectRejections(report("search", "i-2"), {{0, reason::kInstanceLimit}});  // in total
  ExpectRejections(report("billing", "i-1"), {});  // known instances still report
  EXPECT_EQ(registry.size(), 3u);
  EXPECT_FALSE(registry.Find("billing", "i-3"));
  EXPECT_FALSE(registry.Find("search", "i-2"));
  EXPECT_EQ(Rejected(reason::kInstanceLimit), 2);
  // Metric events of an instance beyond the cap are refused the same way (DESIGN.md bounds
  // instances; their series would outgrow it): nothing is counted, the instance stays unknown.
  ExpectRejections(
      Process(Batch({Gauge("workers", 1), Counter("jobs_total", 1)}, 2, {}, "billing", "i-9")),
      {{0, reason::kInstanceLimit}, {1, reason::kInstanceLimit}});
  EXPECT_FALSE(registry.Find("billing", "i-9"));
  EXPECT_EQ(store_->ActiveSeries(), 0u);
  EXPECT_EQ(Rejected(reason::kInstanceLimit), 4);
  // A known instance's metrics still count.
  ExpectRejections(Process(Batch({Gauge("workers", 1)}, 3, {}, "billing", "i-1")), {});
  processor_.reset();
}

// The registry's fleetgate_instance_* series (7 per instance) share limits.max_series_total
// with the reported series: a flood of new instances stops at the series cap, and the room they
// take is given back when they go.
TEST_F(BatchProcessorTest, InstanceSeriesCountInTheTotalSeriesBudget) {
  metrics::MetricStoreOptions small;
  small.max_series_total = 30;  // room for 4 instances (28 series), then 2 reported series
  Use(IngestOptions{}, small);
  StoreSeriesBudget budget(*store_);
  health::HealthRegistry registry(TestRegistryOptions(), clock_, nullptr, &budget);
  processor_ = std::make_unique<BatchProcessor>(IngestOptions{}, *store_, registry, self_metrics_);
  auto report = [&](int instance) {
    return Process(Batch({Health(v1::HEALTH_STATUS_SERVING)}, 1, {}, "billing",
                         "i-" + std::to_string(instance)));
  };
  for (int i = 0; i < 4; ++i) ExpectRejections(report(i), {});
  EXPECT_EQ(store_->ReservedSeries(), 4 * health::kSeriesPerInstance);
  ExpectRejections(report(4), {{0, reason::kInstanceLimit}});  // 35 > 30
  EXPECT_EQ(registry.size(), 4u);
  // Two reported series fit beside them, a third does not.
  ExpectRejections(
      Process(Batch({Gauge("a", 1), Gauge("b", 1), Gauge("c", 1)}, 2, {}, "billing", "i-0")),
      {{2, reason::kTotalSeriesLimit}});
  // A deregistered instance gives its series back.
  ASSERT_TRUE(registry.Deregister("billing", "i-1"));
  EXPECT_EQ(store_->ReservedSeries(), 3 * health::kSeriesPerInstance);
  ExpectRejections(report(5), {});
  processor_.reset();
}

TEST_F(BatchProcessorTest, ServiceAndInstanceNamesBeyondTheirLimitFailTheRequest) {
  for (auto [service, instance, field] :
       {std::tuple{std::string(129, 's'), std::string("i-1"), "source.service"},
        std::tuple{std::string("billing"), std::string(129, 'i'), "source.instance"}}) {
    Result result = Process(Batch({Gauge("workers", 1)}, 1, {}, service, instance));
    EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(result.status.error_message(), HasSubstr(field));
  }
  EXPECT_EQ(registry_.size(), 0u);
  ExpectRejections(Process(Batch({Gauge("workers", 1)}, 1, {}, std::string(128, 's'))), {});
}

TEST_F(BatchProcessorTest, ACounterIsNeverPushedToInfinity) {
  ExpectRejections(Process(Batch({Counter("big_total", 1e308), Counter("big_total", 1e308)})),
                   {{1, reason::kNonFiniteValue}});
  EXPECT_EQ(Value("big_total{instance=\"i-1\",service=\"billing\"}"), 1e308);
}

TEST_F(BatchProcessorTest, RefusesTheGatewaysOwnNamesAndTheJobLabel) {
  ExpectRejections(Process(Batch({Gauge("process_open_fds", 1), Gauge("g", 1, {{"job", "evil"}})})),
                   {{0, reason::kReservedName}, {1, reason::kReservedLabel}});
}

TEST_F(BatchProcessorTest, MissingServiceFailsTheWholeBatchAndAppliesNothing) {
  v1::ReportRequest request = Batch({Counter("jobs_total", 1), Health(v1::HEALTH_STATUS_SERVING)});
  request.mutable_source()->clear_service();
  Result result = Process(request);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("source.service"));
  EXPECT_EQ(result.response.accepted(), 0u);
  EXPECT_THAT(result.response.rejections(), IsEmpty());
  EXPECT_EQ(store_->ActiveSeries(), 0u);
  EXPECT_EQ(registry_.size(), 0u);
  EXPECT_EQ(Accepted("counter"), 0);
  EXPECT_EQ(Accepted("health"), 0);
  EXPECT_EQ(Rejected(reason::kInvalidSource), 2);  // both events, counted though not listed
}

TEST_F(BatchProcessorTest, MissingInstanceFailsTheWholeBatchAndAppliesNothing) {
  v1::ReportRequest request = Batch({Gauge("workers", 1)});
  request.mutable_source()->clear_instance();
  Result result = Process(request, "StreamReport");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("source.instance"));
  EXPECT_EQ(store_->ActiveSeries(), 0u);
  EXPECT_EQ(registry_.size(), 0u);
  EXPECT_EQ(Accepted("gauge"), 0);
}

TEST_F(BatchProcessorTest, MalformedSourceLabelsFailTheWholeBatch) {
  Result result = Process(Batch({Gauge("workers", 1)}, 1, {{"service", "evil"}}));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("source.labels"));
  EXPECT_EQ(store_->ActiveSeries(), 0u);
  EXPECT_EQ(registry_.size(), 0u);
  EXPECT_EQ(Rejected(reason::kInvalidSource), 1);
}

TEST_F(BatchProcessorTest, AnOverLongServiceNameIsACountedRefusalOfTheWholeBatch) {
  Result result = Process(Batch({Gauge("a", 1), Gauge("b", 1), Gauge("c", 1)}, 1, {},
                                std::string(IngestOptions{}.max_service_bytes + 1, 's')));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("source.service is longer than"));
  EXPECT_EQ(Rejected(reason::kInvalidSource), 3);
  EXPECT_EQ(store_->ActiveSeries(), 0u);
}

TEST_F(BatchProcessorTest, CountsSelfMetrics) {
  ExpectRejections(Process(Batch({Counter("a_total", 1), Counter("a_total", 2), Gauge("g", 1),
                                  Observation("h", 1), Health(v1::HEALTH_STATUS_SERVING),
                                  Counter("a_total", -1), Empty()})),
                   {{5, reason::kNegativeDelta}, {6, reason::kEmptyEvent}});
  ExpectRejections(Process(Batch({Gauge("g", 2)}, 2), "StreamReport"), {});
  ExpectRejections(Process(Batch({}, 3), "StreamReport"), {});

  EXPECT_EQ(Accepted("counter"), 2);
  EXPECT_EQ(Accepted("gauge"), 2);
  EXPECT_EQ(Accepted("observation"), 1);
  EXPECT_EQ(Accepted("health"), 1);
  EXPECT_EQ(Rejected(reason::kNegativeDelta), 1);
  EXPECT_EQ(Rejected(reason::kEmptyEvent), 1);
  EXPECT_EQ(Rejected(reason::kTypeConflict), 0);
  EXPECT_EQ(Batches("Report"), 1);
  EXPECT_EQ(Batches("StreamReport"), 2);
  EXPECT_EQ(Value("fleetgate_ingest_duration_seconds_count"), 3);
  EXPECT_EQ(Value("fleetgate_series_active"), 3);
}

TEST_F(BatchProcessorTest, DrainingRefusesEveryBatchAsRetryable) {
  processor_->Drain();
  Result result = Process(Batch({Counter("jobs_total", 1), Health(v1::HEALTH_STATUS_SERVING)}));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(result.status.error_message(), HasSubstr("retry"));
  EXPECT_EQ(store_->ActiveSeries(), 0u);
  EXPECT_EQ(registry_.size(), 0u);
  EXPECT_EQ(Batches("Report"), 0);
  EXPECT_EQ(Accepted("counter"), 0);
  EXPECT_EQ(processor_->InFlight(), 0u);
}

TEST_F(BatchProcessorTest, OverloadAnswersUnavailableAndAsksToRetry) {
  IngestOptions options;
  options.max_inflight_batches = 0;
  Use(options);
  for (int i = 0; i < 3; ++i) {
    Result result = Process(Batch({Counter("jobs_total", 1)}));
    EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(result.status.error_message(), HasSubstr("retry"));
  }
  EXPECT_EQ(processor_->InFlight(), 0u);  // refused batches do not leak an in-flight slot
  EXPECT_EQ(store_->ActiveSeries(), 0u);
  EXPECT_EQ(registry_.size(), 0u);
  EXPECT_EQ(Batches("Report"), 0);
}

TEST_F(BatchProcessorTest, OneBatchInFlightIsAdmittedWhenTheLimitIsOne) {
  IngestOptions options;
  options.max_inflight_batches = 1;
  Use(options);
  for (int i = 0; i < 3; ++i) ExpectRejections(Process(Batch({Counter("jobs_total", 1)})), {});
  EXPECT_THAT(Samples(), Contains("jobs_total{instance=\"i-1\",service=\"billing\"} 3"));
  EXPECT_EQ(processor_->InFlight(), 0u);
}

TEST_F(BatchProcessorTest, ConcurrentBatchesAllLand) {
  constexpr int kThreads = 4;
  constexpr int kBatches = 200;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        v1::ReportRequest request =
            Batch({Counter("jobs_total", t + 1), Gauge("worker", b, {{"t", std::to_string(t)}})}, b,
                  {}, "billing", "i-" + std::to_string(b % 3));
        v1::ReportResponse response;
        fleetgate::Status status = processor_->Process(request, &response, "Report");
        if (!status.ok() || response.accepted() != 2) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_THAT(failures, ::testing::Each(0));
  double total = 0;
  for (int i = 0; i < 3; ++i) {
    total += Value("jobs_total{instance=\"i-" + std::to_string(i) + "\",service=\"billing\"}");
  }
  EXPECT_EQ(total, kBatches * (1 + 2 + 3 + 4));
  EXPECT_EQ(Batches("Report"), kThreads * kBatches);
  EXPECT_EQ(processor_->InFlight(), 0u);
}

// One batch per reason, each on a fresh store and processor: only the batch's last event is bad.
struct ReasonCase {
  std::string_view reason;
  std::vector<v1::Event> events;
  IngestOptions ingest = {};
  metrics::MetricStoreOptions store = {};
};

std::vector<ReasonCase> EveryReasonCase() {
  std::vector<ReasonCase> cases = {
      {reason::kEmptyEvent, {Gauge("ok", 1), Empty()}},
      {reason::kInvalidName, {Gauge("bad-name", 1)}},
      {reason::kNameTooLong, {Gauge("g", 1), Gauge(std::string(257, 'g'), 1)}},
      {reason::kReservedName, {Gauge("fleetgate_up", 1)}},
      {reason::kInvalidLabelName, {Gauge("g", 1, {{"bad.label", "x"}})}},
      {reason::kReservedLabel, {Gauge("g", 1, {{"instance", "x"}})}},
      {reason::kTooManyLabels, {Gauge("g", 1, ManyLabels(28)), Gauge("g", 1, ManyLabels(29))}},
      {reason::kLabelNameTooLong, {Gauge("g", 1, {{std::string(129, 'x'), "x"}})}},
      {reason::kValueTooLong, {Gauge("g", 1, {{"k", std::string(1025, 'x')}})}},
      {reason::kInvalidUtf8, {Gauge("g", 1, {{"k", "\x80"}})}},
      {reason::kNegativeDelta, {Counter("c_total", 1), Counter("c_total", -1)}},
      {reason::kNonFiniteValue, {Observation("h", std::numeric_limits<double>::infinity())}},
      {reason::kTypeConflict, {Counter("x_total", 1), Gauge("x_total", 1)}},
      {reason::kSeriesLimit, {Gauge("g", 1, {{"k", "a"}}), Gauge("g", 1, {{"k", "b"}})}},
      {reason::kTotalSeriesLimit, {Gauge("a", 1), Gauge("b", 1)}},
      {reason::kInvalidStatus, {Health(v1::HEALTH_STATUS_UNSPECIFIED)}},
      {reason::kInvalidTtl, {Health(v1::HEALTH_STATUS_SERVING, "", 86'401)}},
      {reason::kTooManyChecks,
       {WithCheck(WithCheck(Health(v1::HEALTH_STATUS_SERVING), "a", v1::HEALTH_STATUS_SERVING), "b",
                  v1::HEALTH_STATUS_SERVING)}},
      {reason::kInvalidCheck,
       {WithCheck(Health(v1::HEALTH_STATUS_SERVING), "", v1::HEALTH_STATUS_SERVING)}},
  };
  for (ReasonCase& c : cases) {
    if (c.reason == reason::kSeriesLimit) c.store.max_series_per_metric = 1;
    if (c.reason == reason::kTotalSeriesLimit) c.store.max_series_total = 1;
    if (c.reason == reason::kTooManyChecks) c.ingest.max_checks = 1;
  }
  return cases;
}

TEST_F(BatchProcessorTest, EveryRejectionReasonIsReachableThroughTheProcessor) {
  std::vector<ReasonCase> cases = EveryReasonCase();
  std::set<std::string_view> covered;
  covered.insert(reason::kTooManyEvents);  // refuses the whole batch; tested above
  covered.insert(reason::kRateLimited);    // the ReportGate's quota, before the processor (auth/)
  covered.insert(reason::kInstanceLimit);  // needs a capped registry; tested above
  covered.insert(reason::kInvalidSource);  // refuses the whole batch; tested above
  // Reasons only OTLP ingest gives (tests/unit/otlp).
  for (std::string_view otlp : {reason::kInvalidHistogram, reason::kUnsupportedExponentialHistogram,
                                reason::kInvalidTemporality, reason::kMissingInstance,
                                reason::kStreamLimit, reason::kTooManyBuckets}) {
    covered.insert(otlp);
  }
  for (const ReasonCase& c : cases) {
    SCOPED_TRACE(std::string(c.reason));
    covered.insert(c.reason);
    Use(c.ingest, c.store);
    const double before = Rejected(c.reason);
    Result result = Process(Batch(c.events));
    const auto last = static_cast<uint32_t>(c.events.size() - 1);
    ExpectRejections(result, {{last, c.reason}});
    EXPECT_EQ(result.response.accepted(), last);
    EXPECT_EQ(Rejected(c.reason), before + 1);
  }
  EXPECT_EQ(covered, std::set<std::string_view>(reason::kAll.begin(), reason::kAll.end()));
}

namespace {

// A random event: good or bad counters, gauges, observations and health, or an empty event.
v1::Event RandomEvent(std::mt19937& random) {
  const std::string series = "m" + std::to_string(random() % 4);
  const Labels labels = {{"route", "/r" + std::to_string(random() % 3)}};
  switch (random() % 8) {
    case 0:
      return Counter(series + "_total", static_cast<double>(random() % 5), labels);
    case 1:
      return Counter(series + "_total", -1, labels);  // negative delta
    case 2:
      return Gauge(series + "_total", 1, labels);  // a type conflict once it is a counter
    case 3:
      return Gauge(series, random() % 2 ? 1.5 : std::numeric_limits<double>::quiet_NaN(), labels);
    case 4:
      return Observation("h_" + series, 0.25, labels);
    case 5:
      return Health(random() % 2 ? v1::HEALTH_STATUS_SERVING : v1::HEALTH_STATUS_UNSPECIFIED);
    case 6:
      return Empty();
    default:
      return Counter("bad name", 1);
  }
}

std::string_view KindOf(const v1::Event& event) {
  switch (event.kind_case()) {
    case v1::Event::kCounter:
      return "counter";
    case v1::Event::kGauge:
      return "gauge";
    case v1::Event::kObservation:
      return "observation";
    case v1::Event::kHealth:
      return "health";
    default:
      return "none";
  }
}

}  // namespace

// The accepted-events counters are added once per batch; they must equal what counting each
// accepted event of the responses gives, whatever mix of kinds and rejections the batches hold.
TEST_F(BatchProcessorTest, AcceptedCountersEqualTheAcceptedEventsOfEveryResponse) {
  std::mt19937 random(20261201);
  std::map<std::string_view, double> expected;
  for (int batch = 0; batch < 200; ++batch) {
    std::vector<v1::Event> events;
    const int size = static_cast<int>(random() % 40);
    for (int i = 0; i < size; ++i) events.push_back(RandomEvent(random));
    const v1::ReportRequest request = Batch(events, static_cast<uint64_t>(batch));
    Result result = Process(request);
    ASSERT_TRUE(result.status.ok()) << result.status.error_message();
    std::set<uint32_t> rejected;
    for (const v1::Rejection& rejection : result.response.rejections()) {
      rejected.insert(rejection.index());
    }
    uint32_t accepted = 0;
    for (int i = 0; i < size; ++i) {
      if (rejected.count(static_cast<uint32_t>(i)) != 0) continue;
      ++accepted;
      ++expected[KindOf(request.events(i))];
    }
    EXPECT_EQ(result.response.accepted(), accepted);
    for (std::string_view kind : {"counter", "gauge", "observation", "health"}) {
      EXPECT_EQ(std::max(Accepted(kind), 0.0), expected[kind]) << kind << " after batch " << batch;
    }
  }
  EXPECT_EQ(expected.count("none"), 0u);
  EXPECT_GT(expected["counter"], 0);
  EXPECT_GT(expected["health"], 0);
}

}  // namespace
}  // namespace fleetgate::ingest
