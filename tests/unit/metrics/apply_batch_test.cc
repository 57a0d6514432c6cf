// MetricStore::ApplyBatch against the event-by-event path it replaces (Apply, one event at a
// time, in order) on random batches that hit every refusal: the same outcome for each event
// (reason and message) and the same store afterwards, batch after batch, with expiry between.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "metrics/exposition.h"
#include "metrics/metric_store.h"

namespace fleetgate::metrics {
namespace {

using std::chrono::seconds;

std::string Describe(const Status& status) {
  return status.ok() ? "ok" : std::string(status.error().Reason()) + ": " + status.error().message;
}

std::string Text(const MetricStore& store) {
  Exposition exposition;
  exposition.Add(store.collectable());
  return exposition.Render();
}

// Small limits, so that a few hundred events reach every one of them.
MetricStoreOptions SmallLimits() {
  MetricStoreOptions options;
  options.max_series_per_metric = 6;
  options.max_series_total = 40;
  options.series_ttl = seconds(30);
  options.label_limits.max_labels_per_series = 4;
  options.label_limits.max_label_value_bytes = 8;
  options.default_buckets = {1, 10, 100};
  return options;
}

// One random event's parts, its labels owned here (events keep views of them).
struct RandomEvent {
  MetricKind kind;
  std::string name;
  std::string instance;
  std::vector<std::pair<std::string, std::string>> owned;
  std::vector<LabelView> labels;
  double value;
  SeriesKey key;
};

class ApplyBatchTest : public ::testing::Test {
 protected:
  ApplyBatchTest() : clock_(std::make_shared<ManualClock>(TimePoint(seconds(1'000'000)))) {}

  RandomEvent Random(std::mt19937& random) {
    // Names that clash (h and h_count), miss _total, are invalid or reserved.
    static const char* kNames[] = {"a_total",           "b_total",   "g",    "h",
                                   "h_count",           "no_suffix", "9bad", "s_total",
                                   "fleetgate_x_total", "q"};
    static const char* kLabels[] = {"code", "route", "le", "bad-name", "zone"};
    static const char* kValues[] = {"1", "2", "3", "way-too-long-value", "\xff"};
    const double kNumbers[] = {
        1, 2.5, -1, 0, std::nan(""), std::numeric_limits<double>::infinity(), 1e308, 42};
    RandomEvent event;
    event.kind = static_cast<MetricKind>(random() % 3);  // counter, gauge, histogram
    event.name = kNames[random() % 10];
    event.instance = "i-" + std::to_string(random() % 3);
    const size_t labels = random() % 4;
    for (size_t i = 0; i < labels; ++i) {
      std::string label = kLabels[random() % 5];
      bool dup = false;
      for (const auto& [name, value] : event.owned) dup = dup || name == label;
      if (!dup) event.owned.emplace_back(label, random() % 4 == 0 ? kValues[random() % 5] : "1");
    }
    std::sort(event.owned.begin(), event.owned.end());
    for (const auto& [name, value] : event.owned) event.labels.emplace_back(name, value);
    event.value = random() % 3 == 0 ? kNumbers[random() % 8] : static_cast<double>(random() % 9);
    return event;
  }

  std::shared_ptr<ManualClock> clock_;
};

TEST_F(ApplyBatchTest, GivesTheOutcomesAndStoreOfTheEventByEventPath) {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    std::mt19937 random(seed);
    MetricStore reference(SmallLimits(), clock_);
    MetricStore batched(SmallLimits(), clock_);
    for (int round = 0; round < 12; ++round) {
      const std::string service = "svc-" + std::to_string(random() % 2);
      std::vector<RandomEvent> events(random() % 120);
      for (RandomEvent& event : events) {
        event = Random(random);
        BuildSeriesKey(event.key, event.name, service, event.instance, event.labels);
      }
      std::vector<MetricEvent> batch;
      for (const RandomEvent& event : events) {
        batch.push_back({event.kind, &event.key, event.name, &event.labels, event.value});
      }
      std::vector<Status> outcomes;
      batched.ApplyBatch(batch, service, outcomes);
      ASSERT_EQ(outcomes.size(), events.size());
      for (size_t i = 0; i < events.size(); ++i) {
        const RandomEvent& event = events[i];
        const Status expected = reference.Apply(event.kind, event.name, service, event.instance,
                                                event.labels, event.value);
        ASSERT_EQ(Describe(outcomes[i]), Describe(expected))
            << "seed " << seed << " round " << round << " event " << i << " " << event.name;
      }
      ASSERT_EQ(Text(batched), Text(reference)) << "seed " << seed << " round " << round;
      ASSERT_EQ(batched.ActiveSeries(), reference.ActiveSeries());
      clock_->Advance(seconds(random() % 20));
      ASSERT_EQ(batched.RemoveExpired(), reference.RemoveExpired());
    }
  }
}

// Many events of few series in one batch: updates in batch order (the last gauge value wins,
// counters add up), and a new series amid known ones.
TEST_F(ApplyBatchTest, KeepsEachSeriesEventsInBatchOrder) {
  MetricStore store(MetricStoreOptions{}, clock_);
  std::vector<RandomEvent> events(2000);
  for (size_t i = 0; i < events.size(); ++i) {
    RandomEvent& event = events[i];
    event.kind = i % 2 == 0 ? MetricKind::kGauge : MetricKind::kCounter;
    event.name = i % 2 == 0 ? "depth" : "done_total";
    event.owned = {{"id", std::to_string(i % 7 == 3 && i > 1000 ? i : i % 100)}};
    event.labels = {{event.owned[0].first, event.owned[0].second}};
    event.value = static_cast<double>(i);
    BuildSeriesKey(event.key, event.name, "svc", "i-1", event.labels);
  }
  std::vector<MetricEvent> batch;
  for (const RandomEvent& event : events) {
    batch.push_back({event.kind, &event.key, event.name, &event.labels, event.value});
  }
  MetricStore reference(MetricStoreOptions{}, clock_);
  for (int pass = 0; pass < 2; ++pass) {  // the second pass finds every series known
    std::vector<Status> outcomes;
    store.ApplyBatch(batch, "svc", outcomes);
    for (const RandomEvent& event : events) {
      ASSERT_TRUE(
          reference.Apply(event.kind, event.name, "svc", "i-1", event.labels, event.value).ok());
    }
    for (const Status& outcome : outcomes) ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(Text(store), Text(reference));
  }
}

}  // namespace
}  // namespace fleetgate::metrics
