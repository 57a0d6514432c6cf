// The streamed /metrics text against the whole rendering (Exposition::Render, the text /metrics
// served before streaming) on random stores: the same bytes, in bounded pieces; a stream that
// outlives its store; a stream read while series come and go.
#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "core/clock.h"
#include "metrics/exposition.h"
#include "metrics/metric_store.h"

namespace fleetgate::metrics {
namespace {

using std::chrono::seconds;

struct Streamed {
  std::string text;
  size_t pieces = 0;
  size_t largest = 0;
};

Streamed StreamAll(const Exposition& exposition) {
  ExpositionStream stream = exposition.Stream();
  Streamed out;
  bool more = true;
  while (more) {
    std::string piece;
    more = stream.Next(piece);
    out.text += piece;
    out.largest = std::max(out.largest, piece.size());
    ++out.pieces;
  }
  return out;
}

MetricStoreOptions Unlimited() {
  MetricStoreOptions options;
  options.max_series_total = 10'000'000;
  options.max_series_per_metric = 10'000'000;
  options.series_ttl = seconds(60);
  return options;
}

// A name whose family tag equals `name`'s: a scan for one reads the other's slots too.
std::string TagTwin(const std::string& name) {
  for (int i = 0;; ++i) {
    std::string twin = "twin_" + std::to_string(i) + "_total";
    if (FamilyTag(twin) == FamilyTag(name)) return twin;
  }
}

class ExpositionStreamTest : public ::testing::Test {
 protected:
  ExpositionStreamTest() : clock_(std::make_shared<ManualClock>(TimePoint(seconds(1'000'000)))) {}

  // Families of every kind with random sizes (some beyond MetricStore::kPartSeries), labels with
  // characters that need escaping, several services and instances.
  void FillRandomly(MetricStore& store, std::mt19937& random, size_t families) {
    const MetricKind kinds[] = {MetricKind::kCounter, MetricKind::kGauge, MetricKind::kHistogram,
                                MetricKind::kSummary};
    const std::string values[] = {"a", "b\"q", "c\\d", "line\nbreak", "", "ü"};
    for (size_t f = 0; f < families; ++f) {
      const MetricKind kind = kinds[random() % 4];
      std::string name = "m" + std::to_string(random() % 1000) + "_" + std::to_string(f);
      if (kind == MetricKind::kCounter) name += "_total";
      const size_t size = random() % 8 == 0 ? 1 + random() % 40'000 : 1 + random() % 300;
      for (size_t i = 0; i < size; ++i) Add(store, random, kind, name, i, values);
    }
  }

  template <size_t N>
  void Add(MetricStore& store, std::mt19937& random, MetricKind kind, const std::string& name,
           size_t i, const std::string (&values)[N]) {
    const std::string service = "svc-" + std::to_string(i % 3);
    const std::string instance = "i-" + std::to_string(i % 7);
    const std::string series = std::to_string(i);
    std::vector<LabelView> labels{{"id", series}};
    if (i % 5 == 0) labels.insert(labels.begin(), {"extra", values[random() % N]});
    const double value = static_cast<double>(random() % 1000) / 8;
    if (kind != MetricKind::kSummary) {
      ASSERT_TRUE(store.Apply(kind, name, service, instance, labels, value).ok()) << name;
      return;
    }
    SeriesKey key;
    BuildSeriesKey(key, name, service, instance, labels);
    SummarySnapshot snapshot{3, value, {{0.5, value / 2}, {0.99, value}}};
    ASSERT_TRUE(store.ApplySummary(key, name, service, labels, snapshot).ok()) << name;
  }

  std::shared_ptr<ManualClock> clock_;
};

TEST_F(ExpositionStreamTest, StreamsTheSameBytesAsTheWholeRenderingOnRandomStores) {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    std::mt19937 random(seed);
    MetricStore store(Unlimited(), clock_);
    FillRandomly(store, random, 1 + random() % 40);
    auto registry = std::make_shared<prometheus::Registry>();
    prometheus::BuildCounter().Name("self_total").Help("h").Register(*registry).Add({}).Increment();
    Exposition exposition;
    exposition.Add(registry);
    exposition.Add(store.collectable());
    exposition.Add(registry);

    const std::string whole = exposition.Render();
    const Streamed streamed = StreamAll(exposition);
    ASSERT_EQ(streamed.text.size(), whole.size()) << "seed " << seed;
    EXPECT_TRUE(streamed.text == whole) << "seed " << seed;
  }
}

TEST_F(ExpositionStreamTest, FamiliesSharingATagAndEmptyStoresStreamTheSameBytes) {
  MetricStore store(Unlimited(), clock_);
  Exposition exposition;
  exposition.Add(store.collectable());
  EXPECT_EQ(StreamAll(exposition).text, "");
  const std::string twin = TagTwin("requests_total");
  for (int i = 0; i < 50'000; ++i) {
    const std::string id = std::to_string(i);
    const std::string& name = i % 2 == 0 ? twin : std::string("requests_total");
    ASSERT_TRUE(store.Apply(MetricKind::kCounter, name, "s", "i", {{"id", id}}, 1).ok());
  }
  EXPECT_EQ(StreamAll(exposition).text, exposition.Render());
}

// One family of 200k series: about 17 MB of text, no piece more than a fraction of it.
TEST_F(ExpositionStreamTest, PiecesStayBoundedWhateverTheNumberOfSeries) {
  MetricStore store(Unlimited(), clock_);
  for (int i = 0; i < 200'000; ++i) {
    const std::string id = std::to_string(i);
    ASSERT_TRUE(
        store.Apply(MetricKind::kCounter, "requests_total", "svc", "i-1", {{"id", id}}, 1).ok());
  }
  Exposition exposition;
  exposition.Add(store.collectable());
  const Streamed streamed = StreamAll(exposition);
  EXPECT_EQ(streamed.text, exposition.Render());
  EXPECT_GT(streamed.text.size(), 10'000'000u);
  EXPECT_LT(streamed.largest, 2 * ExpositionStream::kPieceBytes);
  EXPECT_GT(streamed.pieces, 20u);
}

TEST_F(ExpositionStreamTest, StreamThatOutlivesItsStoreEnds) {
  auto store = std::make_unique<MetricStore>(Unlimited(), clock_);
  for (int i = 0; i < 100'000; ++i) {
    const std::string id = std::to_string(i);
    ASSERT_TRUE(store->Apply(MetricKind::kGauge, "g", "svc", "i", {{"id", id}}, 1).ok());
  }
  Exposition exposition;
  exposition.Add(store->collectable());
  ExpositionStream stream = exposition.Stream();
  std::string first;
  ASSERT_TRUE(stream.Next(first));
  store.reset();
  std::string rest;
  while (stream.Next(rest)) {
  }
  EXPECT_EQ(first.rfind("# HELP g ", 0), 0u);
}

// Series created, updated and expired while the stream is read: no sample line twice, families
// in name order, and every series that lived throughout is there.
TEST_F(ExpositionStreamTest, StreamReadWhileSeriesComeAndGoHasNoDuplicates) {
  MetricStoreOptions options = Unlimited();
  options.series_ttl = seconds(5);
  MetricStore store(options, clock_);
  for (int i = 0; i < 60'000; ++i) {
    const std::string id = std::to_string(i);
    ASSERT_TRUE(store
                    .Apply(MetricKind::kCounter, "stable_" + std::to_string(i % 40) + "_total",
                           "svc", "i", {{"id", id}}, 1)
                    .ok());
  }
  // Each round refreshes the stable series, adds 2000 new ones and expires those of 3 rounds ago.
  std::atomic<bool> stop{false};
  std::atomic<int> rounds{0};
  std::thread churn([&] {
    for (int round = 0; !stop.load(); ++round) {
      for (int i = 0; i < 60'000; ++i) {
        store.Apply(MetricKind::kCounter, "stable_" + std::to_string(i % 40) + "_total", "svc", "i",
                    {{"id", std::to_string(i)}}, 1);
      }
      for (int i = 0; i < 2000; ++i) {
        const std::string id = std::to_string(round * 2000 + i);
        store.Apply(MetricKind::kGauge, "churn_" + std::to_string(i % 30), "svc", "i", {{"id", id}},
                    1);
      }
      clock_->Advance(seconds(2));
      store.RemoveExpired();
      ++rounds;
    }
  });
  Exposition exposition;
  exposition.Add(store.collectable());
  for (int scrape = 0; scrape < 5; ++scrape) {
    const std::string text = StreamAll(exposition).text;
    std::set<std::string> lines;
    std::vector<std::string> families;
    size_t stable = 0;
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = text.find('\n', start);
      const std::string line = text.substr(start, end - start);
      start = end + 1;
      if (line.rfind("# TYPE ", 0) == 0) families.push_back(line.substr(7, line.find(' ', 7) - 7));
      if (line[0] == '#') continue;
      EXPECT_TRUE(lines.insert(line.substr(0, line.rfind(' '))).second) << line;
      if (line.rfind("stable_", 0) == 0) ++stable;
    }
    EXPECT_TRUE(std::is_sorted(families.begin(), families.end()));
    EXPECT_EQ(std::set<std::string>(families.begin(), families.end()).size(), families.size());
    EXPECT_EQ(stable, 60'000u);
  }
  stop = true;
  churn.join();
  EXPECT_GT(rounds.load(), 0);
}

}  // namespace
}  // namespace fleetgate::metrics
