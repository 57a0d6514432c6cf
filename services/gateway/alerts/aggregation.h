#pragma once
// The arithmetic of a metric rule, as PromQL does it: rate() over a window of a counter's
// samples, the aggregation `agg by (labels)` over series, and the comparison with the
// threshold. Pure functions are thread-safe; a CounterWindow belongs to one evaluator thread.

#include <chrono>
#include <deque>
#include <map>
#include <vector>

#include "alerts/alert_state.h"
#include "alerts/rule.h"
#include "alerts/series_select.h"
#include "core/clock.h"

namespace fleetgate::alerts {

// Groups `series` by the `by` labels (one group without labels when `by` is empty) and
// aggregates each group's values with sum, avg, min, max or count; kRate aggregates as sum
// (its inputs are per-series rates). Groups are in label order.
std::vector<Sample> Aggregate(const std::vector<SeriesSample>& series, Aggregation aggregation,
                              const std::vector<std::string>& by);

bool Compare(double value, CompareOp op, double threshold);

// The samples of each counter series seen at the evaluations of the last `window`, from which
// it derives per-second rates. A series needs two samples inside the window to have a rate,
// as in Prometheus; a drop in value is a counter reset.
class CounterWindow {
 public:
  explicit CounterWindow(std::chrono::milliseconds window) : window_(window) {}

  // Adds this evaluation's samples and forgets samples older than the window.
  void Record(const std::vector<SeriesSample>& series, TimePoint now);
  // The increase over the window's samples per second between the first and the last.
  std::vector<SeriesSample> Rates() const;

 private:
  struct Point {
    TimePoint time;
    double value;
  };
  std::chrono::milliseconds window_;
  std::map<LabelSet, std::deque<Point>> points_;
};

}  // namespace fleetgate::alerts
