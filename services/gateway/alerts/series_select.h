#pragma once
// The series a metric rule reads: the current samples of one metric from the MetricStore
// (histograms through their _bucket/_count/_sum names, as Prometheus sees them), filtered by
// the rule's label matchers. Functions are thread-safe; a CompiledMatchers is immutable.

#include <memory>
#include <string_view>
#include <vector>

#include "alerts/rule.h"
#include "metrics/metric_store.h"

namespace re2 {
class RE2;
}

namespace fleetgate::alerts {

// One series' latest value; `labels` are its labels without the metric name.
struct SeriesSample {
  LabelSet labels;
  double value = 0;
};

// A rule's matchers with their regular expressions compiled once, fully anchored as in PromQL.
// A label the series lacks matches as the empty string, as in PromQL.
class CompiledMatchers {
 public:
  explicit CompiledMatchers(const std::vector<Matcher>& matchers);
  ~CompiledMatchers();
  CompiledMatchers(CompiledMatchers&&) noexcept;
  CompiledMatchers& operator=(CompiledMatchers&&) noexcept;

  bool Matches(const LabelSet& labels) const;

 private:
  struct Compiled;
  std::vector<Compiled> matchers_;
};

// The samples of metric `name` now held in `store`: a counter's or gauge's series, or for
// `<histogram>_bucket` (with an `le` label), `_count` and `_sum` those of the histogram.
std::vector<SeriesSample> CurrentSeries(metrics::MetricStore& store, std::string_view name);

// `series` filtered by `matchers`.
std::vector<SeriesSample> Select(std::vector<SeriesSample> series,
                                 const CompiledMatchers& matchers);

}  // namespace fleetgate::alerts
