// CumulativeStreams against a plain model of its rules (the implementation before its state
// moved into an open-addressing table and the delta was done in place), on random streams: resets,
// drops, new start times, duplicates, late points, histograms whose bucket layout changes, forgets.
// Every verdict and every value must be the same.

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "otlp/cumulative_streams.h"

namespace fleetgate::otlp {
namespace {

// The rules of cumulative_streams.h, written as plainly as possible, without bounds or expiry.
class ModelStreams {
 public:
  StreamVerdict ToDelta(const std::string& key, StreamPoint point, std::vector<double>& values,
                        size_t monotonic) {
    auto it = streams_.find(key);
    if (it != streams_.end()) {
      State& state = it->second;
      const bool known_start = point.start_ns != 0 && state.start_ns != 0;
      if (known_start && point.start_ns < state.start_ns) return StreamVerdict::kStale;
      const bool restarted = known_start && point.start_ns > state.start_ns;
      if (!restarted && point.time_ns <= state.time_ns) return StreamVerdict::kStale;
      if (!restarted && !WentDown(values, state.values, monotonic)) {
        std::vector<double> delta = values;
        for (size_t i = 0; i < delta.size(); ++i) delta[i] -= state.values[i];
        state = {point.start_ns, point.time_ns, values};
        values = delta;
        return StreamVerdict::kApply;
      }
    }
    streams_[key] = {point.start_ns, point.time_ns, values};
    return StreamVerdict::kApply;
  }

  StreamVerdict Accumulate(const std::string& key, StreamPoint point, double& value) {
    auto it = streams_.find(key);
    if (it == streams_.end()) {
      it = streams_.emplace(key, State{0, 0, {0.0}}).first;
    } else if (point.time_ns <= it->second.time_ns) {
      return StreamVerdict::kStale;
    }
    it->second.values[0] += value;
    value = it->second.values[0];
    it->second.time_ns = point.time_ns;
    return StreamVerdict::kApply;
  }

  void Forget(const std::string& key) { streams_.erase(key); }

 private:
  struct State {
    uint64_t start_ns;
    uint64_t time_ns;
    std::vector<double> values;
  };

  static bool WentDown(const std::vector<double>& now, const std::vector<double>& before,
                       size_t monotonic) {
    if (now.size() != before.size()) return true;
    for (size_t i = 0; i < monotonic && i < now.size(); ++i) {
      if (now[i] < before[i]) return true;
    }
    return false;
  }

  std::map<std::string, State> streams_;
};

class CumulativeStreamsEquivalenceTest : public ::testing::TestWithParam<uint32_t> {};

// `keys` distinct keys per length; `forget` in 20 steps forgets a stream.
void RunAgainstModel(uint32_t seed, uint32_t keys, uint32_t forget, int steps) {
  std::mt19937 random(seed);
  auto clock = std::make_shared<ManualClock>(TimePoint(std::chrono::seconds(1000)));
  CumulativeStreams streams(StreamOptions{1'000'000, std::chrono::hours(24)}, clock);
  ModelStreams model;
  auto pick = [&](uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(random); };
  for (int step = 0; step < steps; ++step) {
    // Long keys as well as short ones.
    const std::string key = std::string(pick(2) == 0 ? 3 : 90, 'k') + std::to_string(pick(keys));
    const StreamPoint point{pick(4) == 0 ? 0 : 1 + pick(3), 1 + pick(60)};
    const uint32_t op = pick(20);
    if (op >= 20 - forget) {
      streams.Forget(key);
      model.Forget(key);
      continue;
    }
    if (op == 0) {  // delta non-monotonic sums share the state, under their own keys
      double value = static_cast<double>(pick(21)) - 10, expected = value;
      ASSERT_EQ(streams.Accumulate("acc" + key, point, value),
                model.Accumulate("acc" + key, point, expected));
      ASSERT_EQ(value, expected);
      continue;
    }
    const size_t size = 1 + pick(3) + (pick(8) == 0 ? 1 : 0);  // sometimes another layout
    std::vector<double> values(size);
    for (double& value : values) value = static_cast<double>(pick(100)) / 4;
    std::vector<double> expected = values;
    const size_t monotonic = size == 1 ? 1 : size - 1;
    ASSERT_EQ(streams.ToDelta(key, point, values, monotonic),
              model.ToDelta(key, point, expected, monotonic))
        << "step " << step;
    ASSERT_EQ(values, expected) << "step " << step;
  }
}

TEST_P(CumulativeStreamsEquivalenceTest, AgreesWithTheModelOnRandomStreams) {
  RunAgainstModel(GetParam(), 40, 1, 20000);
}

// Enough streams for the tables to grow many times, and many forgotten ones: long probe runs
// that deletions must keep intact.
TEST_P(CumulativeStreamsEquivalenceTest, AgreesWithTheModelWithManyStreamsAndForgets) {
  RunAgainstModel(GetParam(), 5000, 4, 150000);
}

INSTANTIATE_TEST_SUITE_P(Seeds, CumulativeStreamsEquivalenceTest,
                         ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u));

}  // namespace
}  // namespace fleetgate::otlp
