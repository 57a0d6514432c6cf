#include "alerts/aggregation.h"

#include <algorithm>
#include <limits>

namespace fleetgate::alerts {
namespace {

struct Group {
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  size_t count = 0;

  void Add(double value) {
    sum += value;
    min = std::min(min, value);
    max = std::max(max, value);
    ++count;
  }

  double Result(Aggregation aggregation) const {
    switch (aggregation) {
      case Aggregation::kSum:
      case Aggregation::kRate:
        return sum;
      case Aggregation::kAvg:
        return sum / static_cast<double>(count);
      case Aggregation::kMin:
        return min;
      case Aggregation::kMax:
        return max;
      case Aggregation::kCount:
        return static_cast<double>(count);
    }
    return sum;
  }
};

LabelSet GroupLabels(const LabelSet& labels, const std::vector<std::string>& by) {
  LabelSet out;
  for (const std::string& name : by) {
    auto it = labels.find(name);
    if (it != labels.end() && !it->second.empty()) out.emplace(name, it->second);
  }
  return out;
}

}  // namespace

std::vector<Sample> Aggregate(const std::vector<SeriesSample>& series, Aggregation aggregation,
                              const std::vector<std::string>& by) {
  std::map<LabelSet, Group> groups;
  for (const SeriesSample& s : series) groups[GroupLabels(s.labels, by)].Add(s.value);
  std::vector<Sample> out;
  for (const auto& [labels, group] : groups) out.push_back({labels, group.Result(aggregation)});
  return out;
}

bool Compare(double value, CompareOp op, double threshold) {
  switch (op) {
    case CompareOp::kGreater:
      return value > threshold;
    case CompareOp::kGreaterEqual:
      return value >= threshold;
    case CompareOp::kLess:
      return value < threshold;
    case CompareOp::kLessEqual:
      return value <= threshold;
    case CompareOp::kEqual:
      return value == threshold;
    case CompareOp::kNotEqual:
      return value != threshold;
  }
  return false;
}

void CounterWindow::Record(const std::vector<SeriesSample>& series, TimePoint now) {
  for (const SeriesSample& s : series) points_[s.labels].push_back({now, s.value});
  const TimePoint oldest = now - window_;
  for (auto it = points_.begin(); it != points_.end();) {
    auto& points = it->second;
    while (!points.empty() && points.front().time < oldest) points.pop_front();
    it = points.empty() ? points_.erase(it) : std::next(it);
  }
}

std::vector<SeriesSample> CounterWindow::Rates() const {
  std::vector<SeriesSample> out;
  for (const auto& [labels, points] : points_) {
    if (points.size() < 2) continue;
    double increase = 0;
    for (size_t i = 1; i < points.size(); ++i) {
      const double previous = points[i - 1].value;
      const double current = points[i].value;
      increase += current >= previous ? current - previous : current;  // a reset restarts at 0
    }
    const std::chrono::duration<double> span = points.back().time - points.front().time;
    if (span.count() <= 0) continue;
    out.push_back({labels, increase / span.count()});
  }
  return out;
}

}  // namespace fleetgate::alerts
