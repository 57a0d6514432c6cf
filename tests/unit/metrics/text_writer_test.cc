#include "metrics/text_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>
#include <prometheus/text_serializer.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <random>
#include <sstream>

#include "exposition_parser.h"

namespace fleetgate::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using ::testing::HasSubstr;

std::string Value(double value) {
  std::string out;
  AppendValue(out, value);
  return out;
}

std::string Text(const MetricFamily& family) {
  std::string out;
  AppendFamily(out, family);
  return out;
}

MetricFamily Family(std::string name, MetricType type, std::vector<ClientMetric> metrics = {}) {
  return MetricFamily{std::move(name), "Help.", type, std::move(metrics)};
}

ClientMetric Metric(std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = value;
  metric.gauge.value = value;
  metric.untyped.value = value;
  return metric;
}

TEST(TextWriterTest, WritesSpecialValuesAsPrometheusParsesThem) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(Value(inf), "+Inf");
  EXPECT_EQ(Value(-inf), "-Inf");
  EXPECT_EQ(Value(std::nan("")), "NaN");
  EXPECT_EQ(Value(0), "0");
  EXPECT_EQ(Value(-0.0), "-0");
  EXPECT_EQ(Value(42), "42");
  EXPECT_EQ(Value(-2.5), "-2.5");
  EXPECT_EQ(Value(0.1), "0.1");
}

TEST(TextWriterTest, WritesEveryDoubleSoItReadsBackExactly) {
  for (double v : {1e300, 1e-300, 1.7976931348623157e308, 4.9e-324, 2.2250738585072014e-308,
                   123456789012345678.0, 1e21, 1e-7, 0.30000000000000004, -1.5e-10}) {
    std::string text = Value(v);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
    EXPECT_EQ(text.find_first_not_of("0123456789.e+-"), std::string::npos) << text;
  }
}

TEST(TextWriterTest, WritesBucketBoundsAsPrometheusCppDid) {
  auto bound = [](double v) {
    std::string out;
    AppendBound(out, v);
    return out;
  };
  EXPECT_EQ(bound(0.005), "0.005");
  EXPECT_EQ(bound(1), "1");
  EXPECT_EQ(bound(1e6), "1000000");
  EXPECT_EQ(bound(1e17), "1e+17");
  EXPECT_EQ(bound(2.5e-5), "2.5e-05");
  EXPECT_EQ(bound(std::numeric_limits<double>::infinity()), "+Inf");
}

TEST(TextWriterTest, WritesCountsAsIntegers) {
  std::string out;
  AppendCount(out, 18446744073709551615u);
  EXPECT_EQ(out, "18446744073709551615");
}

TEST(TextWriterTest, EscapesBackslashQuoteAndNewlineInLabelValues) {
  std::string out;
  AppendLabelValue(out, "a\\b\"c\nd\te");
  EXPECT_EQ(out, "a\\\\b\\\"c\\nd\te");
}

TEST(TextWriterTest, EscapesBackslashAndNewlineButNotQuotesInHelp) {
  MetricFamily family = Family("x", MetricType::Gauge);
  family.help = "say \"hi\"\\\nbye";
  EXPECT_EQ(Text(family), "# HELP x say \"hi\"\\\\\\nbye\n# TYPE x gauge\n");
}

TEST(TextWriterTest, WritesHeaderOfAnEmptyFamily) {
  EXPECT_EQ(Text(Family("requests_total", MetricType::Counter)),
            "# HELP requests_total Help.\n# TYPE requests_total counter\n");
}

TEST(TextWriterTest, LeavesOutHelpWhenThereIsNone) {
  MetricFamily family = Family("x", MetricType::Untyped, {Metric({}, 1)});
  family.help.clear();
  EXPECT_EQ(Text(family), "# TYPE x untyped\nx 1\n");
}

TEST(TextWriterTest, WritesCountersAndGaugesWithTheirLabels) {
  EXPECT_EQ(Text(Family("c_total", MetricType::Counter,
                        {Metric({{"code", "200"}, {"path", "/a\"b"}}, 3), Metric({}, 1.5)})),
            "# HELP c_total Help.\n# TYPE c_total counter\n"
            "c_total{code=\"200\",path=\"/a\\\"b\"} 3\nc_total 1.5\n");
  EXPECT_EQ(Text(Family("g", MetricType::Gauge, {Metric({{"a", ""}}, -1e-9)})),
            "# HELP g Help.\n# TYPE g gauge\ng{a=\"\"} -1e-09\n");
}

TEST(TextWriterTest, WritesTimestampsWhenSet) {
  ClientMetric metric = Metric({}, 1);
  metric.timestamp_ms = 1700000000123;
  EXPECT_THAT(Text(Family("g", MetricType::Gauge, {metric})), HasSubstr("g 1 1700000000123\n"));
}

ClientMetric HistogramMetric(std::vector<ClientMetric::Bucket> buckets) {
  ClientMetric metric;
  metric.label = {{"route", "/x"}};
  metric.histogram.sample_count = 5;
  metric.histogram.sample_sum = 2.75;
  metric.histogram.bucket = std::move(buckets);
  return metric;
}

TEST(TextWriterTest, WritesHistogramCountSumAndCumulativeBuckets) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(
      Text(Family("h", MetricType::Histogram, {HistogramMetric({{1, 0.005}, {4, 1}, {5, inf}})})),
      "# HELP h Help.\n# TYPE h histogram\n"
      "h_count{route=\"/x\"} 5\nh_sum{route=\"/x\"} 2.75\n"
      "h_bucket{route=\"/x\",le=\"0.005\"} 1\nh_bucket{route=\"/x\",le=\"1\"} 4\n"
      "h_bucket{route=\"/x\",le=\"+Inf\"} 5\n");
}

TEST(TextWriterTest, AddsTheInfBucketWhenMissing) {
  ClientMetric metric = HistogramMetric({{2, 10}});
  metric.label.clear();
  EXPECT_EQ(Text(Family("h", MetricType::Histogram, {metric})),
            "# HELP h Help.\n# TYPE h histogram\nh_count 5\nh_sum 2.75\n"
            "h_bucket{le=\"10\"} 2\nh_bucket{le=\"+Inf\"} 5\n");
}

TEST(TextWriterTest, WritesSummaryQuantiles) {
  ClientMetric metric;
  metric.summary.sample_count = 2;
  metric.summary.sample_sum = 3;
  metric.summary.quantile = {{0.5, 1}, {0.99, 2}};
  EXPECT_EQ(Text(Family("s", MetricType::Summary, {metric})),
            "# HELP s Help.\n# TYPE s summary\ns_count 2\ns_sum 3\n"
            "s{quantile=\"0.5\"} 1\ns{quantile=\"0.99\"} 2\n");
}

// A registry of random families, labels (with characters that need escaping) and values.
std::shared_ptr<prometheus::Registry> RandomRegistry(std::mt19937_64& random) {
  auto registry = std::make_shared<prometheus::Registry>();
  const std::string alphabet = "ab\\\"\n xyz/é0";
  auto text = [&](size_t max) {
    std::string s;
    for (size_t i = random() % (max + 1); i > 0; --i) s += alphabet[random() % alphabet.size()];
    return s;
  };
  auto labels = [&] {
    prometheus::Labels out;
    for (size_t i = random() % 4; i > 0; --i) out["l" + std::to_string(random() % 6)] = text(8);
    return out;
  };
  std::uniform_real_distribution<double> unit(0, 1);
  auto value = [&] { return std::ldexp(unit(random), static_cast<int>(random() % 200) - 100); };
  for (int f = 0; f < 12; ++f) {
    const std::string name = "family_" + std::to_string(f);
    switch (f % 4) {
      case 0: {
        auto& family =
            prometheus::BuildCounter().Name(name + "_total").Help("C.").Register(*registry);
        for (int i = 0; i < 20; ++i) family.Add(labels()).Increment(value());
        break;
      }
      case 1: {
        auto& family = prometheus::BuildGauge().Name(name).Help("G.").Register(*registry);
        for (int i = 0; i < 20; ++i) {
          family.Add(labels()).Set(i == 0 ? std::nan("") : random() % 2 ? value() : -value());
        }
        break;
      }
      case 2: {
        auto& family = prometheus::BuildHistogram().Name(name).Help("H.").Register(*registry);
        for (int i = 0; i < 20; ++i) {
          auto& histogram =
              family.Add(labels(), prometheus::Histogram::BucketBoundaries{0.001, 0.5, 1, 1e6});
          for (int n = random() % 10; n > 0; --n) histogram.Observe(value());
        }
        break;
      }
      default:
        prometheus::BuildGauge().Name(name).Help("Empty.").Register(*registry);
    }
  }
  return registry;
}

TEST(TextWriterTest, MeansTheSameAsPrometheusCppOnARandomRegistry) {
  std::mt19937_64 random(20240607);
  for (int round = 0; round < 20; ++round) {
    auto families = RandomRegistry(random)->Collect();
    std::ostringstream reference;
    prometheus::TextSerializer().Serialize(reference, families);
    std::string ours;
    AppendFamilies(ours, families);

    ParsedExposition expected = ParseExposition(reference.str());
    ParsedExposition actual = ParseExposition(ours);
    ASSERT_TRUE(expected.error.empty()) << expected.error;
    ASSERT_TRUE(actual.error.empty()) << actual.error;
    EXPECT_EQ(actual.types, expected.types);
    EXPECT_EQ(actual.help, expected.help);
    EXPECT_EQ(CompareSamples(actual.samples, expected.samples), "");
  }
}

}  // namespace
}  // namespace fleetgate::metrics
