// MetricStore's read side: the text format for /metrics and prometheus-cpp families for the alert
// evaluator, both built from the series keys one shard lock at a time.

#include <map>

#include "metrics/metric_store_internal.h"
#include "metrics/text_writer.h"

namespace fleetgate::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Appends `name<suffix>{labels[,le]} `; the caller appends the value and the newline.
void AppendHead(std::string& out, std::string_view name, std::string_view suffix,
                std::string_view labels, std::string_view le = {}) {
  out += name;
  out += suffix;
  out += '{';
  out += labels;
  if (!le.empty()) {
    out += ',';
    out += le;
  }
  out += "} ";
}

void AppendCountLine(std::string& out, uint64_t count) {
  AppendCount(out, count);
  out += '\n';
}

void AppendValueLine(std::string& out, double value) {
  AppendValue(out, value);
  out += '\n';
}

}  // namespace

// Called with the series' shard lock held.
void MetricStore::AppendCompound(std::string& body, const std::string& name,
                                 std::string_view labels, const Series& series) {
  if (series.kind == MetricKind::kSummary) {
    if (!series.summary) return;  // being created: its first snapshot is not set yet
    const SummaryCells& cells = *series.summary;
    AppendHead(body, name, "_count", labels);
    AppendCountLine(body, cells.count.get());
    AppendHead(body, name, "_sum", labels);
    AppendValueLine(body, cells.sum.get());
    for (size_t i = 0; i < cells.quantiles.size(); ++i) {
      AppendHead(body, name, "", labels, cells.quantile_labels[i]);
      AppendValueLine(body, cells.values[i].get());
    }
    return;
  }
  const HistogramCells& cells = *series.histogram;
  AppendHead(body, name, "_count", labels);
  AppendCountLine(body, cells.count.get());
  AppendHead(body, name, "_sum", labels);
  AppendValueLine(body, cells.sum.get());
  uint64_t cumulative = 0;
  for (size_t i = 0; i < cells.buckets(); ++i) {
    cumulative += cells.counts[i].get();
    AppendHead(body, name, "_bucket", labels, cells.bucket_labels[i]);
    AppendCountLine(body, cumulative);
  }
}

// Called with the series' shard lock held.
void MetricStore::AppendSeries(std::string& body, std::string_view key, const Series& series,
                               std::vector<LabelView>& labels, std::string& rendered) {
  const std::string& name = series.family->name;
  if (IsScalar(series.kind)) {
    AppendScalarSeries(body, name, key, series.value.get(), labels, rendered);
    return;
  }
  SeriesLabels(key, labels);
  rendered.clear();
  AppendLabelPairs(rendered, labels);
  AppendCompound(body, name, rendered, series);
}

void MetricStore::AppendScalarSeries(std::string& body, std::string_view name, std::string_view key,
                                     double value, std::vector<LabelView>& labels,
                                     std::string& rendered) {
  SeriesLabels(key, labels);
  rendered.clear();
  AppendLabelPairs(rendered, labels);
  AppendHead(body, name, "", rendered);
  AppendValueLine(body, value);
}

void MetricStore::AppendText(std::string& out) const {
  std::map<std::string_view, FamilyText> texts;  // names point into `names`
  std::vector<std::unique_ptr<std::string>> names;
  std::vector<LabelView> labels;
  std::string rendered;
  for (const auto& shard : shards_) {
    // Valid for this shard only: a family may be freed and its address reused once it is let go.
    std::unordered_map<const FamilyEntry*, FamilyText*> seen;
    std::lock_guard<std::mutex> lock(shard->mutex);
    shard->series.ForEach([&](std::string_view key, const Series& series) {
      FamilyText*& text = seen[series.family];
      if (text == nullptr) {
        auto it = texts.find(series.family->name);
        if (it == texts.end()) {
          names.push_back(std::make_unique<std::string>(series.family->name));
          it = texts.emplace(*names.back(), FamilyText{series.kind, {}}).first;
        }
        text = &it->second;
      }
      // A name re-registered with another type during this scrape: keep the first type.
      if (text->kind != series.kind) return;
      AppendSeries(text->body, key, series, labels, rendered);
    });
  }
  for (auto& [name, text] : texts) {
    AppendFamilyHeader(out, name, kReportedHelp, TypeOf(text.kind));
    out += text.body;
    std::string().swap(text.body);  // give the memory back as we go
  }
}

// Called with the series' shard lock or families_mutex_ held.
void MetricStore::ToClientMetric(std::string_view key, const Series& series,
                                 std::vector<LabelView>& labels, ClientMetric& metric) {
  SeriesLabels(key, labels);
  for (const auto& [label, value] : labels) {
    metric.label.push_back({std::string(label), std::string(value)});
  }
  if (series.kind == MetricKind::kCounter) metric.counter.value = series.value.get();
  if (series.kind == MetricKind::kGauge) metric.gauge.value = series.value.get();
  if (series.kind == MetricKind::kSummary && series.summary) {
    const SummaryCells& cells = *series.summary;
    metric.summary.sample_count = cells.count.get();
    metric.summary.sample_sum = cells.sum.get();
    for (size_t i = 0; i < cells.quantiles.size(); ++i) {
      metric.summary.quantile.push_back({cells.quantiles[i], cells.values[i].get()});
    }
  }
  if (series.kind != MetricKind::kHistogram) return;
  const HistogramCells& cells = *series.histogram;
  metric.histogram.sample_count = cells.count.get();
  metric.histogram.sample_sum = cells.sum.get();
  uint64_t cumulative = 0;
  for (size_t i = 0; i < cells.buckets(); ++i) {
    cumulative += cells.counts[i].get();
    double bound =
        i < cells.bounds.size() ? cells.bounds[i] : std::numeric_limits<double>::infinity();
    metric.histogram.bucket.push_back({cumulative, bound});
  }
}

std::vector<MetricFamily> MetricStore::CollectFamily(std::string_view name) const {
  // families_mutex_ keeps the family and its series alive and its member list still; the values
  // are Cells, read without the shard locks.
  std::lock_guard<std::mutex> lock(families_mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return {};
  const FamilyEntry& entry = *it->second;
  MetricFamily family{entry.name, kReportedHelp, TypeOf(entry.kind), {}};
  family.metric.resize(entry.members.size());
  std::vector<LabelView> labels;
  for (size_t i = 0; i < entry.members.size(); ++i) {
    const Series& series = *entry.members[i];
    ToClientMetric(SeriesTable<Series>::KeyOf(series), series, labels, family.metric[i]);
  }
  return {std::move(family)};
}

std::vector<MetricFamily> MetricStore::CollectAll() const {
  std::map<std::string, MetricFamily, std::less<>> families;
  std::vector<LabelView> labels;
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard->mutex);
    shard->series.ForEach([&](std::string_view key, const Series& series) {
      const FamilyEntry& entry = *series.family;
      auto it = families.find(entry.name);
      if (it == families.end()) {
        it = families
                 .emplace(entry.name,
                          MetricFamily{entry.name, kReportedHelp, TypeOf(series.kind), {}})
                 .first;
      }
      if (it->second.type != TypeOf(series.kind)) return;  // see AppendText
      ToClientMetric(key, series, labels, it->second.metric.emplace_back());
    });
  }
  std::vector<MetricFamily> out;
  out.reserve(families.size());
  for (auto& [name, family] : families) out.push_back(std::move(family));
  return out;
}

}  // namespace fleetgate::metrics
