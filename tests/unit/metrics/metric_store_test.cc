#include "metrics/metric_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <thread>

#include "exposition_parser.h"
#include "metrics/exposition.h"

namespace fleetgate::metrics {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

// The reason of a refused input, "ok" when it was accepted.
std::string_view ReasonOf(const Status& status) {
  return status.ok() ? std::string_view("ok") : status.error().Reason();
}
std::string MessageOf(const Status& status) { return status.ok() ? "" : status.error().message; }

class MetricStoreTest : public ::testing::Test {
 protected:
  MetricStoreTest() : clock_(std::make_shared<ManualClock>(TimePoint(seconds(1'000'000)))) {}

  MetricStore& Store(MetricStoreOptions options = {}) {
    store_ = std::make_unique<MetricStore>(std::move(options), clock_);
    return *store_;
  }

  Status Apply(MetricKind kind, std::string_view name, double value,
               std::vector<LabelView> labels = {}, std::string_view instance = "i-1",
               std::string_view service = "billing") {
    return store_->Apply(kind, name, service, instance, labels, value);
  }

  std::string Text() const {
    Exposition exposition;
    exposition.Add(store_->collectable());
    return exposition.Render();
  }

  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<MetricStore> store_;
};

TEST_F(MetricStoreTest, CountersAddAcrossReports) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kCounter, "requests_total", 2, {{"code", "200"}}).ok());
  ASSERT_TRUE(Apply(MetricKind::kCounter, "requests_total", 3, {{"code", "200"}}).ok());
  EXPECT_THAT(Text(),
              HasSubstr("requests_total{code=\"200\",instance=\"i-1\",service=\"billing\"} 5"));
  EXPECT_EQ(store_->ActiveSeries(), 1u);
}

TEST_F(MetricStoreTest, ApplyWithABuiltKeyUpdatesTheSameSeries) {
  Store();
  const std::vector<LabelView> labels{{"code", "200"}};
  SeriesKey key;
  BuildSeriesKey(key, "requests_total", "billing", "i-1", labels);
  store_->PrefetchSlot(key);
  ASSERT_TRUE(
      store_->Apply(MetricKind::kCounter, key, "requests_total", "billing", labels, 2).ok());
  store_->PrefetchSlot(key);
  ASSERT_TRUE(Apply(MetricKind::kCounter, "requests_total", 3, {{"code", "200"}}).ok());
  EXPECT_THAT(Text(),
              HasSubstr("requests_total{code=\"200\",instance=\"i-1\",service=\"billing\"} 5"));
  EXPECT_EQ(store_->ActiveSeries(), 1u);
}

TEST_F(MetricStoreTest, PrefetchingASeriesThatExpiredIsHarmlessAndItsNextEventRevalidates) {
  MetricStoreOptions options;
  options.series_ttl = minutes(1);
  options.label_limits.max_labels_per_series = 3;  // service, instance and one more
  Store(options);
  const std::vector<LabelView> labels{{"code", "200"}};
  SeriesKey key;
  BuildSeriesKey(key, "requests_total", "billing", "i-1", labels);
  ASSERT_TRUE(
      store_->Apply(MetricKind::kCounter, key, "requests_total", "billing", labels, 2).ok());
  store_->PrefetchSlot(key);
  clock_->Advance(minutes(2));
  EXPECT_EQ(store_->RemoveExpired(), 1u);
  store_->PrefetchSlot(key);  // the series is freed: it stays a hint
  ASSERT_TRUE(
      store_->Apply(MetricKind::kCounter, key, "requests_total", "billing", labels, 1).ok());
  EXPECT_THAT(Text(),
              HasSubstr("requests_total{code=\"200\",instance=\"i-1\",service=\"billing\"} 1"));
  const std::vector<LabelView> too_many{{"a", "1"}, {"b", "2"}};
  BuildSeriesKey(key, "requests_total", "billing", "i-1", too_many);
  EXPECT_FALSE(
      store_->Apply(MetricKind::kCounter, key, "requests_total", "billing", too_many, 1).ok());
}

TEST_F(MetricStoreTest, GaugesKeepTheLastValue) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kGauge, "queue_depth", 7).ok());
  ASSERT_TRUE(Apply(MetricKind::kGauge, "queue_depth", -2.5).ok());
  EXPECT_THAT(Text(), HasSubstr("queue_depth{instance=\"i-1\",service=\"billing\"} -2.5"));
}

TEST_F(MetricStoreTest, CollectsOneFamilyByName) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kGauge, "queue_depth", 7, {}, "i-1").ok());
  ASSERT_TRUE(Apply(MetricKind::kGauge, "queue_depth", 9, {}, "i-2").ok());
  ASSERT_TRUE(Apply(MetricKind::kCounter, "requests_total", 1).ok());

  auto families = store_->CollectFamily("queue_depth");
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "queue_depth");
  ASSERT_EQ(families[0].metric.size(), 2u);
  double sum = 0;
  for (const auto& metric : families[0].metric) sum += metric.gauge.value;
  EXPECT_EQ(sum, 16);
  EXPECT_TRUE(store_->CollectFamily("absent_metric").empty());
}

TEST_F(MetricStoreTest, ObservationsFillConfiguredBuckets) {
  MetricStoreOptions options;
  options.buckets["latency_seconds"] = {0.1, 1};
  Store(options);
  for (double v : {0.05, 0.5, 5.0})
    ASSERT_TRUE(Apply(MetricKind::kHistogram, "latency_seconds", v).ok());
  std::string text = Text();
  EXPECT_THAT(
      text, HasSubstr("latency_seconds_bucket{instance=\"i-1\",service=\"billing\",le=\"0.1\"} 1"));
  EXPECT_THAT(text, HasSubstr("le=\"1\"} 2"));
  EXPECT_THAT(text, HasSubstr("le=\"+Inf\"} 3"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_count{instance=\"i-1\",service=\"billing\"} 3"));
}

TEST_F(MetricStoreTest, ObservationsUseDefaultBucketsOtherwise) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kHistogram, "size_bytes", 3).ok());
  EXPECT_THAT(Text(), HasSubstr("le=\"2.5\"} 0"));
  EXPECT_THAT(Text(), HasSubstr("le=\"5\"} 1"));
}

TEST_F(MetricStoreTest, EveryFamilyHasHelpAndType) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kGauge, "queue_depth", 1).ok());
  EXPECT_THAT(Text(), HasSubstr("# HELP queue_depth "));
  EXPECT_THAT(Text(), HasSubstr("# TYPE queue_depth gauge"));
}

TEST_F(MetricStoreTest, RejectsCounterWithNegativeDelta) {
  Store();
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kCounter, "requests_total", -1)), reason::kNegativeDelta);
}

TEST_F(MetricStoreTest, RejectsNonFiniteValues) {
  Store();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kGauge, "g", std::nan(""))), reason::kNonFiniteValue);
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kHistogram, "h", inf)), reason::kNonFiniteValue);
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kCounter, "c_total", inf)), reason::kNonFiniteValue);
}

TEST_F(MetricStoreTest, RejectsCounterNameWithoutTotalSuffix) {
  Store();
  auto outcome = Apply(MetricKind::kCounter, "requests", 1);
  EXPECT_EQ(ReasonOf(outcome), reason::kInvalidName);
  EXPECT_THAT(MessageOf(outcome), HasSubstr("_total"));
}

TEST_F(MetricStoreTest, NameKeepsItsFirstType) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kGauge, "temperature", 20).ok());
  auto same_series = Apply(MetricKind::kHistogram, "temperature", 1);
  auto other_series = Apply(MetricKind::kHistogram, "temperature", 1, {{"room", "a"}});
  EXPECT_EQ(ReasonOf(same_series), reason::kTypeConflict);
  EXPECT_EQ(ReasonOf(other_series), reason::kTypeConflict);
  EXPECT_THAT(MessageOf(other_series), HasSubstr("gauge"));
}

TEST_F(MetricStoreTest, HistogramSeriesNamesAreTaken) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kHistogram, "latency", 1).ok());
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kGauge, "latency_count", 1)), reason::kTypeConflict);
  ASSERT_TRUE(Apply(MetricKind::kGauge, "size_sum", 1).ok());
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kHistogram, "size", 1)), reason::kTypeConflict);
}

TEST_F(MetricStoreTest, RejectsInvalidAndReservedLabels) {
  Store();
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kGauge, "g", 1, {{"service", "x"}})),
            reason::kReservedLabel);
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kGauge, "g", 1, {{"bad-label", "x"}})),
            reason::kInvalidLabelName);
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kGauge, "g", 1, {{"path", "\xC3"}})), reason::kInvalidUtf8);
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kGauge, "bad name", 1)), reason::kInvalidName);
  EXPECT_EQ(store_->ActiveSeries(), 0u);
}

TEST_F(MetricStoreTest, InvalidLabelValueCannotForgeAnotherSeriesKey) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kGauge, "g", 1, {{"a", "x"}, {"b", "c"}}).ok());
  // A value carrying what would be separator bytes in a naive key is still its own series.
  std::string forged = std::string("x\x01\0\0\0b\x01\0\0\0c", 11);
  ASSERT_TRUE(Apply(MetricKind::kGauge, "g", 2, {{"a", forged}}).ok());
  EXPECT_EQ(store_->ActiveSeries(), 2u);
  EXPECT_THAT(Text(), HasSubstr("g{a=\"x\",b=\"c\",instance=\"i-1\",service=\"billing\"} 1"));
}

TEST_F(MetricStoreTest, EnforcesLabelCount) {
  MetricStoreOptions options;
  options.label_limits.max_labels_per_series = 4;
  Store(options);
  EXPECT_TRUE(Apply(MetricKind::kGauge, "g", 1, {{"a", "1"}, {"b", "2"}}).ok());
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kGauge, "g", 1, {{"a", "1"}, {"b", "2"}, {"c", "3"}})),
            reason::kTooManyLabels);
}

TEST_F(MetricStoreTest, EnforcesSeriesPerMetricPerService) {
  MetricStoreOptions options;
  options.max_series_per_metric = 2;
  Store(options);
  EXPECT_TRUE(Apply(MetricKind::kGauge, "g", 1, {}, "i-1").ok());
  EXPECT_TRUE(Apply(MetricKind::kGauge, "g", 1, {}, "i-2").ok());
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kGauge, "g", 1, {}, "i-3")), reason::kSeriesLimit);
  // Existing series still update, other services and metrics have their own budget.
  EXPECT_TRUE(Apply(MetricKind::kGauge, "g", 5, {}, "i-1").ok());
  EXPECT_TRUE(Apply(MetricKind::kGauge, "g", 1, {}, "i-3", "search").ok());
  EXPECT_TRUE(Apply(MetricKind::kGauge, "h", 1, {}, "i-3").ok());
}

TEST_F(MetricStoreTest, EnforcesTotalSeries) {
  MetricStoreOptions options;
  options.max_series_total = 2;
  Store(options);
  EXPECT_TRUE(Apply(MetricKind::kGauge, "a", 1).ok());
  EXPECT_TRUE(Apply(MetricKind::kGauge, "b", 1).ok());
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kGauge, "c", 1)), reason::kTotalSeriesLimit);
  EXPECT_THAT(Text(), Not(HasSubstr("# TYPE c ")));
}

TEST_F(MetricStoreTest, RemovesSeriesPastTheirTtl) {
  MetricStoreOptions options;
  options.series_ttl = minutes(15);
  Store(options);
  ASSERT_TRUE(Apply(MetricKind::kGauge, "g", 1, {}, "old").ok());
  clock_->Advance(minutes(10));
  ASSERT_TRUE(Apply(MetricKind::kGauge, "g", 1, {}, "fresh").ok());
  clock_->Advance(minutes(6));
  EXPECT_EQ(store_->RemoveExpired(), 1u);
  EXPECT_EQ(store_->ActiveSeries(), 1u);
  EXPECT_THAT(Text(), Not(HasSubstr("instance=\"old\"")));
  EXPECT_THAT(Text(), HasSubstr("instance=\"fresh\""));
}

TEST_F(MetricStoreTest, ExpiredNameIsFreeForAnotherType) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kGauge, "thing", 1).ok());
  clock_->Advance(minutes(16));
  EXPECT_EQ(store_->RemoveExpired(), 1u);
  EXPECT_THAT(Text(), Not(HasSubstr("thing")));
  EXPECT_TRUE(Apply(MetricKind::kHistogram, "thing", 1).ok());
}

TEST_F(MetricStoreTest, ExpiryFreesTheSeriesBudget) {
  MetricStoreOptions options;
  options.max_series_total = 1;
  Store(options);
  ASSERT_TRUE(Apply(MetricKind::kGauge, "a", 1).ok());
  EXPECT_EQ(ReasonOf(Apply(MetricKind::kGauge, "b", 1)), reason::kTotalSeriesLimit);
  clock_->Advance(minutes(16));
  store_->RemoveExpired();
  EXPECT_TRUE(Apply(MetricKind::kGauge, "b", 1).ok());
}

TEST_F(MetricStoreTest, ConcurrentUpdatesAndSweepsStayConsistent) {
  MetricStoreOptions options;
  options.series_ttl = seconds(1);
  Store(options);
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([this, t] {
      for (int i = 0; i < 20000; ++i) {
        std::string instance = "i-" + std::to_string((i + t) % 50);
        Apply(MetricKind::kCounter, "work_total", 1, {}, instance);
      }
    });
  }
  std::thread sweeper([this] {
    for (int i = 0; i < 200; ++i) {
      clock_->Advance(std::chrono::milliseconds(20));
      store_->RemoveExpired();
    }
  });
  for (auto& w : writers) w.join();
  sweeper.join();
  EXPECT_LE(store_->ActiveSeries(), 50u);
  Text();  // scraping after the churn is safe
}

TEST_F(MetricStoreTest, CollectsHistogramsWithCumulativeBucketsEndingInInf) {
  MetricStoreOptions options;
  options.buckets["latency_seconds"] = {1, 0.1};  // unsorted in the configuration
  Store(options);
  for (double v : {0.05, 0.1, 0.5, 5.0}) {
    ASSERT_TRUE(Apply(MetricKind::kHistogram, "latency_seconds", v).ok());
  }
  auto families = store_->CollectFamily("latency_seconds");
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].type, prometheus::MetricType::Histogram);
  ASSERT_EQ(families[0].metric.size(), 1u);
  const auto& histogram = families[0].metric[0].histogram;
  EXPECT_EQ(histogram.sample_count, 4u);
  EXPECT_DOUBLE_EQ(histogram.sample_sum, 5.65);
  ASSERT_EQ(histogram.bucket.size(), 3u);
  EXPECT_EQ(histogram.bucket[0].upper_bound, 0.1);
  EXPECT_EQ(histogram.bucket[0].cumulative_count, 2u);  // le is inclusive
  EXPECT_EQ(histogram.bucket[1].cumulative_count, 3u);
  EXPECT_TRUE(std::isinf(histogram.bucket[2].upper_bound));
  EXPECT_EQ(histogram.bucket[2].cumulative_count, 4u);
}

TEST_F(MetricStoreTest, CollectedLabelsAreSortedWithServiceAndInstance) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kGauge, "g", 1, {{"a", "1"}, {"j", "2"}, {"z", "3"}}).ok());
  auto families = store_->CollectFamily("g");
  ASSERT_EQ(families.size(), 1u);
  std::vector<std::string> names;
  for (const auto& label : families[0].metric[0].label) names.push_back(label.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "instance", "j", "service", "z"}));
}

TEST_F(MetricStoreTest, EscapesLabelValuesInText) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kGauge, "g", 1, {{"path", "a\\b\"c\nd"}}).ok());
  EXPECT_THAT(Text(), HasSubstr("path=\"a\\\\b\\\"c\\nd\""));
}

// Random counters, gauges and histograms over many sources and label values.
void ApplyRandomEvents(MetricStore& store, std::mt19937& random, int events) {
  const std::vector<std::string> values = {"a", "b\"q", "c\\", "new\nline", "", "é"};
  for (int i = 0; i < events; ++i) {
    const std::string instance = "i-" + std::to_string(random() % 7);
    const std::string service = random() % 3 == 0 ? "search" : "billing";
    std::vector<LabelView> labels;
    if (random() % 2) labels.emplace_back("code", values[random() % values.size()]);
    if (random() % 2) labels.emplace_back("route", values[random() % values.size()]);
    const int metric = static_cast<int>(random() % 6);
    const double value = static_cast<double>(random() % 1000) / 8;
    if (metric < 2) {
      store.Apply(MetricKind::kCounter, "c" + std::to_string(metric) + "_total", service, instance,
                  labels, value);
    } else if (metric < 4) {
      store.Apply(MetricKind::kGauge, "g" + std::to_string(metric), service, instance, labels,
                  -value);
    } else {
      store.Apply(MetricKind::kHistogram, "h" + std::to_string(metric), service, instance, labels,
                  value / 20);
    }
  }
}

TEST_F(MetricStoreTest, TextMeansTheSameAsCollectedFamilies) {
  Store();
  std::mt19937 random(7);
  ApplyRandomEvents(*store_, random, 5000);
  std::ostringstream reference;
  prometheus::TextSerializer().Serialize(reference, store_->CollectAll());
  ParsedExposition expected = ParseExposition(reference.str());
  ParsedExposition actual = ParseExposition(Text());
  ASSERT_TRUE(expected.error.empty()) << expected.error;
  ASSERT_TRUE(actual.error.empty()) << actual.error;
  EXPECT_GT(actual.samples.size(), 500u);
  EXPECT_EQ(CompareSamples(actual.samples, expected.samples), "");
  EXPECT_EQ(actual.types, expected.types);
  EXPECT_EQ(actual.types.size(), 6u);
}

// The per-family member lists CollectFamily reads stay right as series come and go.
TEST_F(MetricStoreTest, CollectFamilyAgreesWithCollectAllAfterExpiries) {
  Store();
  std::mt19937 random(11);
  for (int round = 0; round < 5; ++round) {
    ApplyRandomEvents(*store_, random, 1000);
    clock_->Advance(minutes(5));  // the oldest rounds expire (TTL 15 minutes)
    store_->RemoveExpired();
    size_t collected = 0;
    for (const auto& family : store_->CollectAll()) {
      auto one = store_->CollectFamily(family.name);
      ASSERT_EQ(one.size(), 1u) << family.name;
      std::ostringstream expected, actual;
      prometheus::TextSerializer().Serialize(expected, {family});
      prometheus::TextSerializer().Serialize(actual, one);
      EXPECT_EQ(ParseExposition(actual.str()).samples, ParseExposition(expected.str()).samples);
      collected += family.metric.size();
    }
    EXPECT_EQ(collected, store_->ActiveSeries());
  }
}

TEST_F(MetricStoreTest, CollectsAFamilyWhileItsSeriesChange) {
  MetricStoreOptions options;
  options.series_ttl = seconds(1);
  Store(options);
  std::atomic<bool> done{false};
  std::thread writer([this, &done] {
    std::mt19937 random(5);
    while (!done.load()) ApplyRandomEvents(*store_, random, 100);
  });
  std::thread sweeper([this, &done] {
    while (!done.load()) {
      clock_->Advance(std::chrono::milliseconds(100));
      store_->RemoveExpired();
    }
  });
  for (int i = 0; i < 200; ++i) {
    for (const char* name : {"c0_total", "g2", "h4"}) {
      for (const auto& family : store_->CollectFamily(name)) EXPECT_EQ(family.name, name);
    }
  }
  done.store(true);
  writer.join();
  sweeper.join();
}

TEST_F(MetricStoreTest, ScrapesWhileSeriesAreAddedUpdatedAndExpired) {
  MetricStoreOptions options;
  options.series_ttl = seconds(1);
  Store(options);
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (unsigned t = 0; t < 2; ++t) {
    writers.emplace_back([this, t] {
      std::mt19937 random(t);
      ApplyRandomEvents(*store_, random, 20000);
    });
  }
  std::thread sweeper([this, &done] {
    while (!done.load()) {
      clock_->Advance(std::chrono::milliseconds(50));
      store_->RemoveExpired();
    }
  });
  for (int i = 0; i < 20; ++i) {
    ParsedExposition parsed = ParseExposition(Text());
    ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  }
  for (auto& w : writers) w.join();
  done.store(true);
  sweeper.join();
}

TEST_F(MetricStoreTest, CollectableOutlivingTheStoreCollectsNothing) {
  Store();
  ASSERT_TRUE(Apply(MetricKind::kGauge, "g", 1).ok());
  auto collectable = store_->collectable();
  store_.reset();
  EXPECT_TRUE(collectable->Collect().empty());
  Exposition exposition;
  exposition.Add(collectable);
  EXPECT_EQ(exposition.Render(), "");
}

}  // namespace
}  // namespace fleetgate::metrics
