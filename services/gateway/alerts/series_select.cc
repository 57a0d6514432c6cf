#include "alerts/series_select.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>

#include "alerts/number_format.h"

namespace fleetgate::alerts {
namespace {

enum class HistogramPart { kBucket, kCount, kSum };

constexpr std::array<std::pair<std::string_view, HistogramPart>, 3> kHistogramParts{{
    {"_bucket", HistogramPart::kBucket},
    {"_count", HistogramPart::kCount},
    {"_sum", HistogramPart::kSum},
}};

LabelSet LabelsOf(const prometheus::ClientMetric& metric) {
  LabelSet labels;
  for (const auto& label : metric.label) labels.emplace(label.name, label.value);
  return labels;
}

double PlainValue(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric) {
  return family.type == prometheus::MetricType::Counter ? metric.counter.value : metric.gauge.value;
}

std::string BucketBound(double upper) {
  return upper == std::numeric_limits<double>::infinity() ? "+Inf" : FormatNumber(upper);
}

void AppendHistogram(const prometheus::ClientMetric& metric, HistogramPart part,
                     std::vector<SeriesSample>& out) {
  const auto& h = metric.histogram;
  switch (part) {
    case HistogramPart::kCount:
      out.push_back({LabelsOf(metric), static_cast<double>(h.sample_count)});
      return;
    case HistogramPart::kSum:
      out.push_back({LabelsOf(metric), h.sample_sum});
      return;
    case HistogramPart::kBucket:
      for (const auto& bucket : h.bucket) {
        LabelSet labels = LabelsOf(metric);
        labels["le"] = BucketBound(bucket.upper_bound);
        out.push_back({std::move(labels), static_cast<double>(bucket.cumulative_count)});
      }
      return;
  }
}

std::vector<SeriesSample> PlainSeries(const std::vector<prometheus::MetricFamily>& families) {
  std::vector<SeriesSample> out;
  for (const auto& family : families) {
    if (family.type != prometheus::MetricType::Counter &&
        family.type != prometheus::MetricType::Gauge) {
      continue;  // a histogram is read through its suffixed names only
    }
    for (const auto& metric : family.metric) {
      out.push_back({LabelsOf(metric), PlainValue(family, metric)});
    }
  }
  return out;
}

std::vector<SeriesSample> HistogramSeries(metrics::MetricStore& store, std::string_view name) {
  std::vector<SeriesSample> out;
  for (const auto& [suffix, part] : kHistogramParts) {
    if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) {
      continue;
    }
    for (const auto& family : store.CollectFamily(name.substr(0, name.size() - suffix.size()))) {
      if (family.type != prometheus::MetricType::Histogram) continue;
      for (const auto& metric : family.metric) AppendHistogram(metric, part, out);
    }
  }
  return out;
}

}  // namespace

struct CompiledMatchers::Compiled {
  Matcher matcher;
  std::unique_ptr<re2::RE2> regex;  // for =~ and !~
};

CompiledMatchers::CompiledMatchers(const std::vector<Matcher>& matchers) {
  for (const Matcher& matcher : matchers) {
    Compiled compiled{matcher, nullptr};
    if (matcher.op == MatchOp::kRegexMatch || matcher.op == MatchOp::kRegexNoMatch) {
      re2::RE2::Options options;
      options.set_log_errors(false);
      compiled.regex = std::make_unique<re2::RE2>(matcher.value, options);
    }
    matchers_.push_back(std::move(compiled));
  }
}

CompiledMatchers::~CompiledMatchers() = default;
CompiledMatchers::CompiledMatchers(CompiledMatchers&&) noexcept = default;
CompiledMatchers& CompiledMatchers::operator=(CompiledMatchers&&) noexcept = default;

bool CompiledMatchers::Matches(const LabelSet& labels) const {
  return std::all_of(matchers_.begin(), matchers_.end(), [&](const Compiled& c) {
    auto it = labels.find(c.matcher.label);
    static const std::string kAbsent;
    const std::string& value = it == labels.end() ? kAbsent : it->second;
    switch (c.matcher.op) {
      case MatchOp::kEqual:
        return value == c.matcher.value;
      case MatchOp::kNotEqual:
        return value != c.matcher.value;
      case MatchOp::kRegexMatch:
        return re2::RE2::FullMatch(value, *c.regex);
      case MatchOp::kRegexNoMatch:
        return !re2::RE2::FullMatch(value, *c.regex);
    }
    return false;
  });
}

std::vector<SeriesSample> CurrentSeries(metrics::MetricStore& store, std::string_view name) {
  std::vector<SeriesSample> plain = PlainSeries(store.CollectFamily(name));
  return plain.empty() ? HistogramSeries(store, name) : plain;
}

std::vector<SeriesSample> Select(std::vector<SeriesSample> series,
                                 const CompiledMatchers& matchers) {
  series.erase(std::remove_if(series.begin(), series.end(),
                              [&](const SeriesSample& s) { return !matchers.Matches(s.labels); }),
               series.end());
  return series;
}

}  // namespace fleetgate::alerts
