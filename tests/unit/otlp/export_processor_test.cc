#include "otlp/export_processor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <cmath>
#include <limits>

#include "otlp_pipeline_test_base.h"

namespace fleetgate::otlp {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;
namespace mpb = opentelemetry::proto::metrics::v1;

class ExportProcessorTest : public OtlpPipelineTest {
 protected:
  ExportProcessorTest() : OtlpPipelineTest(Options()) {}

  static OtlpOptions Options() {
    OtlpOptions options;
    options.heartbeat_ttl = seconds(60);
    options.max_data_points = 100;
    return options;
  }

  // A request with one resource (service "checkout", instance `instance`) and one metric.
  static mpb::Metric* NewMetric(ExportRequest& request, const std::string& name,
                                const std::string& instance = "i-1") {
    auto* resource = request.add_resource_metrics();
    auto* attributes = resource->mutable_resource()->mutable_attributes();
    auto* service = attributes->Add();
    service->set_key("service.name");
    service->mutable_value()->set_string_value("checkout");
    if (!instance.empty()) {
      auto* id = attributes->Add();
      id->set_key("service.instance.id");
      id->mutable_value()->set_string_value(instance);
    }
    auto* metric = resource->add_scope_metrics()->add_metrics();
    metric->set_name(name);
    return metric;
  }

  ExportSummary Export(const ExportRequest& request) {
    Result<ExportSummary> result = processor_.Export(request);
    EXPECT_TRUE(result.ok()) << result.error().message;
    return result.ok() ? result.value() : ExportSummary{};
  }

  // One cumulative monotonic sum point.
  ExportSummary ExportCounter(uint64_t start, uint64_t time, double value) {
    ExportRequest request;
    auto* sum = NewMetric(request, "orders")->mutable_sum();
    sum->set_is_monotonic(true);
    sum->set_aggregation_temporality(mpb::AGGREGATION_TEMPORALITY_CUMULATIVE);
    auto* point = sum->add_data_points();
    point->set_start_time_unix_nano(start);
    point->set_time_unix_nano(time);
    point->set_as_int(static_cast<int64_t>(value));
    return Export(request);
  }
};

TEST_F(ExportProcessorTest, CumulativeCounterIsCorrectAcrossExportsRepeatsAndRestarts) {
  ExportCounter(1, 10, 3);
  EXPECT_THAT(Text(), HasSubstr("orders_total{instance=\"i-1\",service=\"checkout\"} 3\n"));
  ExportCounter(1, 20, 5);
  ExportCounter(1, 20, 5);  // the same export twice
  ExportCounter(1, 15, 4);  // a late one
  EXPECT_THAT(Text(), HasSubstr("orders_total{instance=\"i-1\",service=\"checkout\"} 5\n"));
  ExportCounter(100, 110, 2);  // the SDK restarted
  EXPECT_THAT(Text(), HasSubstr("orders_total{instance=\"i-1\",service=\"checkout\"} 7\n"));
}

TEST_F(ExportProcessorTest, DeltaSumsAddAndGaugesSet) {
  ExportRequest request;
  auto* sent = NewMetric(request, "bytes.sent");
  sent->set_unit("By");
  auto* sum = sent->mutable_sum();
  sum->set_is_monotonic(true);
  sum->set_aggregation_temporality(mpb::AGGREGATION_TEMPORALITY_DELTA);
  sum->add_data_points()->set_as_double(10);
  auto* cpu = NewMetric(request, "cpu.utilization");
  cpu->set_unit("1");
  cpu->mutable_gauge()->add_data_points()->set_as_double(0.5);
  Export(request);
  Export(request);
  const std::string text = Text();
  EXPECT_THAT(text,
              HasSubstr("bytes_sent_bytes_total{instance=\"i-1\",service=\"checkout\"} 20\n"));
  EXPECT_THAT(text,
              HasSubstr("cpu_utilization_ratio{instance=\"i-1\",service=\"checkout\"} 0.5\n"));
}

TEST_F(ExportProcessorTest, UpDownCountersAreGauges) {
  ExportRequest request;
  auto* sum = NewMetric(request, "queue.depth")->mutable_sum();
  sum->set_aggregation_temporality(mpb::AGGREGATION_TEMPORALITY_CUMULATIVE);
  sum->add_data_points()->set_as_int(-4);
  Export(request);
  EXPECT_THAT(Text(), HasSubstr("# TYPE queue_depth gauge\n"));
  EXPECT_THAT(Text(), HasSubstr("queue_depth{instance=\"i-1\",service=\"checkout\"} -4\n"));
}

TEST_F(ExportProcessorTest, HistogramsKeepTheClientsBounds) {
  ExportRequest request;
  auto* metric = NewMetric(request, "http.server.duration");
  metric->set_unit("ms");
  auto* histogram = metric->mutable_histogram();
  histogram->set_aggregation_temporality(mpb::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* point = histogram->add_data_points();
  point->set_start_time_unix_nano(1);
  point->set_time_unix_nano(10);
  point->set_count(4);
  point->set_sum(5555);
  for (double bound : {10, 100, 1000}) point->add_explicit_bounds(bound);
  for (uint64_t count : {1, 1, 1, 1}) point->add_bucket_counts(count);
  Export(request);
  point->set_time_unix_nano(20);
  point->set_count(5);
  point->set_sum(5560);
  point->set_bucket_counts(0, 2);
  Export(request);
  const std::string text = Text();
  const std::string name = "http_server_duration_milliseconds";
  const std::string labels = "instance=\"i-1\",service=\"checkout\"";
  EXPECT_THAT(text, HasSubstr(name + "_bucket{" + labels + ",le=\"10\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(name + "_bucket{" + labels + ",le=\"100\"} 3\n"));
  EXPECT_THAT(text, HasSubstr(name + "_bucket{" + labels + ",le=\"1000\"} 4\n"));
  EXPECT_THAT(text, HasSubstr(name + "_bucket{" + labels + ",le=\"+Inf\"} 5\n"));
  EXPECT_THAT(text, HasSubstr(name + "_count{" + labels + "} 5\n"));
  EXPECT_THAT(text, HasSubstr(name + "_sum{" + labels + "} 5560\n"));
}

TEST_F(ExportProcessorTest, SummariesAreExposedAsPrometheusSummaries) {
  ExportRequest request;
  auto* point = NewMetric(request, "rpc.latency")->mutable_summary()->add_data_points();
  point->set_count(10);
  point->set_sum(2.5);
  auto* q = point->add_quantile_values();
  q->set_quantile(0.5);
  q->set_value(0.2);
  q = point->add_quantile_values();
  q->set_quantile(0.99);
  q->set_value(0.9);
  Export(request);
  const std::string text = Text();
  EXPECT_THAT(text, HasSubstr("# TYPE rpc_latency summary\n"));
  EXPECT_THAT(
      text, HasSubstr("rpc_latency{instance=\"i-1\",service=\"checkout\",quantile=\"0.5\"} 0.2\n"));
  EXPECT_THAT(
      text,
      HasSubstr("rpc_latency{instance=\"i-1\",service=\"checkout\",quantile=\"0.99\"} 0.9\n"));
  EXPECT_THAT(text, HasSubstr("rpc_latency_count{instance=\"i-1\",service=\"checkout\"} 10\n"));
  EXPECT_THAT(text, HasSubstr("rpc_latency_sum{instance=\"i-1\",service=\"checkout\"} 2.5\n"));
}

TEST_F(ExportProcessorTest, RefusalsAreCountedAndReportedAsPartialSuccess) {
  ExportRequest request;
  NewMetric(request, "spread")->mutable_exponential_histogram()->add_data_points();
  auto* gauge = NewMetric(request, "bad")->mutable_gauge();
  gauge->add_data_points()->set_as_double(std::numeric_limits<double>::quiet_NaN());
  gauge->add_data_points()->set_as_double(std::numeric_limits<double>::infinity());
  NewMetric(request, "anonymous", "")->mutable_gauge()->add_data_points()->set_as_int(1);
  ExportSummary summary = Export(request);
  EXPECT_EQ(summary.rejected_data_points, 4);
  EXPECT_THAT(summary.error_message, HasSubstr("unsupported_exponential_histogram"));
  EXPECT_EQ(self_metrics_.rejected("non_finite_value").Value(), 2);
  EXPECT_EQ(self_metrics_.rejected("missing_instance").Value(), 1);
  EXPECT_THAT(Text(), Not(HasSubstr("bad{")));
}

TEST_F(ExportProcessorTest, TooManyAttributesAreRefusedLikeReporterLabels) {
  ExportRequest request;
  auto* point = NewMetric(request, "wide")->mutable_gauge()->add_data_points();
  point->set_as_int(1);
  for (int i = 0; i < 10000; ++i) {
    auto* attribute = point->add_attributes();
    attribute->set_key("k" + std::to_string(i));
    attribute->mutable_value()->set_int_value(i);
  }
  EXPECT_EQ(Export(request).rejected_data_points, 1);
  EXPECT_EQ(self_metrics_.rejected("too_many_labels").Value(), 1);
}

// A client names its own bounds: a point with more buckets (or a summary with more quantiles)
// than limits.max_histogram_buckets is refused and counted; one at the limit is kept.
TEST_F(ExportProcessorTest, HistogramsAndSummariesOverTheBucketLimitAreRefused) {
  const size_t limit = OtlpOptions{}.max_buckets;
  auto histogram_with = [&](size_t buckets, const std::string& name) {
    ExportRequest request;
    auto* histogram = NewMetric(request, name)->mutable_histogram();
    histogram->set_aggregation_temporality(mpb::AGGREGATION_TEMPORALITY_DELTA);
    auto* point = histogram->add_data_points();
    point->set_count(buckets);
    for (size_t i = 0; i + 1 < buckets; ++i) point->add_explicit_bounds(static_cast<double>(i));
    for (size_t i = 0; i < buckets; ++i) point->add_bucket_counts(1);
    return Export(request);
  };
  EXPECT_EQ(histogram_with(limit, "at_limit").rejected_data_points, 0);
  ExportSummary over = histogram_with(limit + 1, "over_limit");
  EXPECT_EQ(over.rejected_data_points, 1);
  EXPECT_THAT(over.error_message, HasSubstr("too_many_buckets"));
  EXPECT_EQ(self_metrics_.rejected("too_many_buckets").Value(), 1);

  ExportRequest request;
  auto* point = NewMetric(request, "rpc.latency")->mutable_summary()->add_data_points();
  point->set_count(1);
  for (size_t i = 0; i <= limit; ++i) {
    auto* q = point->add_quantile_values();
    q->set_quantile(static_cast<double>(i) / static_cast<double>(limit + 1));
    q->set_value(1);
  }
  EXPECT_EQ(Export(request).rejected_data_points, 1);
  EXPECT_EQ(self_metrics_.rejected("too_many_buckets").Value(), 2);
  const std::string text = Text();
  EXPECT_THAT(text, HasSubstr("at_limit_bucket{"));
  EXPECT_THAT(text, Not(HasSubstr("over_limit")));
  EXPECT_THAT(text, Not(HasSubstr("rpc_latency")));
}

TEST_F(ExportProcessorTest, AnExportOverThePointLimitIsRefusedWhole) {
  ExportRequest request;
  auto* gauge = NewMetric(request, "many")->mutable_gauge();
  for (int i = 0; i < 101; ++i) gauge->add_data_points()->set_as_int(i);
  Result<ExportSummary> result = processor_.Export(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ExportProcessorTest, AnExportIsAHeartbeatThatLapsesToStale) {
  ExportCounter(1, 10, 1);
  auto instance = health_.Find("checkout", "i-1");
  ASSERT_TRUE(instance);
  EXPECT_EQ(instance->status, health::Status::kServing);
  clock_->Advance(seconds(61));
  health_.Sweep();
  EXPECT_EQ(health_.Find("checkout", "i-1")->status, health::Status::kStale);
  ExportCounter(1, 20, 2);
  EXPECT_EQ(health_.Find("checkout", "i-1")->status, health::Status::kServing);
}

}  // namespace
}  // namespace fleetgate::otlp
