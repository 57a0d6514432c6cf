#include "metrics/text_writer.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace fleetgate::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Summary:
      return "summary";
    case MetricType::Histogram:
      return "histogram";
    default:
      return "untyped";
  }
}

void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\' && c != '\n' && !(quote && c == '"')) continue;
    out.append(text.data() + start, i - start);
    out += '\\';
    out += c == '\n' ? 'n' : c;
    start = i + 1;
  }
  out.append(text.data() + start, text.size() - start);
}

// name{labels[,extra="value"]} — the part of a sample line before its value.
class SampleHead {
 public:
  SampleHead(const MetricFamily& family, const ClientMetric& metric) {
    for (const auto& label : metric.label) {
      if (!labels_.empty()) labels_ += ',';
      labels_ += label.name;
      labels_ += "=\"";
      AppendLabelValue(labels_, label.value);
      labels_ += '"';
    }
    name_ = family.name;
  }

  void Append(std::string& out, std::string_view suffix = {}) const {
    out += name_;
    out += suffix;
    if (!labels_.empty()) {
      out += '{';
      out += labels_;
      out += '}';
    }
    out += ' ';
  }

  void AppendWith(std::string& out, std::string_view suffix, std::string_view label,
                  double value) const {
    out += name_;
    out += suffix;
    out += '{';
    out += labels_;
    if (!labels_.empty()) out += ',';
    out += label;
    out += "=\"";
    AppendBound(out, value);
    out += "\"} ";
  }

 private:
  std::string_view name_;
  std::string labels_;
};

void AppendTail(std::string& out, const ClientMetric& metric) {
  if (metric.timestamp_ms != 0) {
    out += ' ';
    char buffer[24];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, metric.timestamp_ms);
    out.append(buffer, result.ptr);
  }
  out += '\n';
}

void AppendHistogram(std::string& out, const SampleHead& head, const ClientMetric& metric) {
  const auto& histogram = metric.histogram;
  head.Append(out, "_count");
  AppendCount(out, histogram.sample_count);
  AppendTail(out, metric);
  head.Append(out, "_sum");
  AppendValue(out, histogram.sample_sum);
  AppendTail(out, metric);
  bool has_inf = false;
  for (const auto& bucket : histogram.bucket) {
    head.AppendWith(out, "_bucket", "le", bucket.upper_bound);
    AppendCount(out, bucket.cumulative_count);
    AppendTail(out, metric);
    has_inf = std::isinf(bucket.upper_bound) && bucket.upper_bound > 0;
  }
  if (!has_inf) {
    head.AppendWith(out, "_bucket", "le", std::numeric_limits<double>::infinity());
    AppendCount(out, histogram.sample_count);
    AppendTail(out, metric);
  }
}

void AppendSummary(std::string& out, const SampleHead& head, const ClientMetric& metric) {
  const auto& summary = metric.summary;
  head.Append(out, "_count");
  AppendCount(out, summary.sample_count);
  AppendTail(out, metric);
  head.Append(out, "_sum");
  AppendValue(out, summary.sample_sum);
  AppendTail(out, metric);
  for (const auto& quantile : summary.quantile) {
    head.AppendWith(out, "", "quantile", quantile.quantile);
    AppendValue(out, quantile.value);
    AppendTail(out, metric);
  }
}

void AppendMetric(std::string& out, const MetricFamily& family, const ClientMetric& metric) {
  SampleHead head(family, metric);
  switch (family.type) {
    case MetricType::Counter:
      head.Append(out);
      AppendValue(out, metric.counter.value);
      break;
    case MetricType::Gauge:
      head.Append(out);
      AppendValue(out, metric.gauge.value);
      break;
    case MetricType::Histogram:
      return AppendHistogram(out, head, metric);
    case MetricType::Summary:
      return AppendSummary(out, head, metric);
    default:
      head.Append(out);
      AppendValue(out, metric.untyped.value);
      break;
  }
  AppendTail(out, metric);
}

}  // namespace

void AppendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value < 0 ? "-Inf" : "+Inf";
  } else {
    char buffer[32];  // the longest shortest form, e.g. -2.2250738585072014e-308, is 24
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
  }
}

void AppendBound(std::string& out, double bound) {
  if (!std::isfinite(bound)) return AppendValue(out, bound);
  char buffer[32];
  auto result =
      std::to_chars(buffer, buffer + sizeof buffer, bound, std::chars_format::general, 16);
  out.append(buffer, result.ptr);
}

void AppendCount(std::string& out, uint64_t count) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, count);
  out.append(buffer, result.ptr);
}

void AppendLabelValue(std::string& out, std::string_view value) {
  AppendEscaped(out, value, /*quote=*/true);
}

void AppendFamilyHeader(std::string& out, std::string_view name, std::string_view help,
                        MetricType type) {
  if (!help.empty()) {
    out += "# HELP ";
    out += name;
    out += ' ';
    AppendEscaped(out, help, /*quote=*/false);
    out += '\n';
  }
  out += "# TYPE ";
  out += name;
  out += ' ';
  out += TypeName(type);
  out += '\n';
}

void AppendFamily(std::string& out, const MetricFamily& family) {
  AppendFamilyHeader(out, family.name, family.help, family.type);
  for (const auto& metric : family.metric) AppendMetric(out, family, metric);
}

void AppendFamilies(std::string& out, const std::vector<MetricFamily>& families) {
  for (const auto& family : families) AppendFamily(out, family);
}

}  // namespace fleetgate::metrics
