#include "ingest/report_view.h"

#include "ingest/label_order.h"

namespace fleetgate::ingest {
namespace {

template <typename Metric>
void ViewMetric(const Metric& metric, double value, EventView& view,
                std::vector<metrics::LabelView>& labels) {
  view.name = metric.name();
  view.value = value;
  for (const auto& [name, label_value] : metric.labels()) labels.emplace_back(name, label_value);
}

}  // namespace

void ReportView::Clear() {
  source_.service = source_.instance = source_.version = {};
  source_.labels.clear();
  batch_id_ = 0;
  events_.clear();
  labels_.clear();
  checks_.clear();
}

void ReportView::SealLabels(EventView& event) {
  metrics::LabelView* first = labels_.data() + event.labels_begin;
  labels_.resize(static_cast<size_t>(SortUniqueLabels(first, labels_.data() + labels_.size()) -
                                     labels_.data()));
  event.labels_end = static_cast<uint32_t>(labels_.size());
}

void ReportView::SealSourceLabels() {
  std::vector<metrics::LabelView>& labels = source_.labels;
  labels.resize(static_cast<size_t>(SortUniqueLabels(labels.data(), labels.data() + labels.size()) -
                                    labels.data()));
}

void ReportView::Assign(const v1::ReportRequest& request) {
  Clear();
  const v1::Source& source = request.source();
  source_.service = source.service();
  source_.instance = source.instance();
  source_.version = source.version();
  for (const auto& [name, value] : source.labels()) source_.labels.emplace_back(name, value);
  SealSourceLabels();
  batch_id_ = request.batch_id();
  for (const v1::Event& event : request.events()) {
    EventView& view = events_.emplace_back();
    view.kind = event.kind_case();
    view.labels_begin = static_cast<uint32_t>(labels_.size());
    view.health.checks_begin = view.health.checks_end = static_cast<uint32_t>(checks_.size());
    switch (view.kind) {
      case v1::Event::kCounter:
        ViewMetric(event.counter(), event.counter().delta(), view, labels_);
        break;
      case v1::Event::kGauge:
        ViewMetric(event.gauge(), event.gauge().value(), view, labels_);
        break;
      case v1::Event::kObservation:
        ViewMetric(event.observation(), event.observation().value(), view, labels_);
        break;
      case v1::Event::kHealth: {
        const v1::HealthEvent& health = event.health();
        view.health.status = health.status();
        view.health.detail = health.detail();
        view.health.ttl_seconds = health.ttl_seconds();
        for (const v1::Check& check : health.checks()) {
          checks_.push_back({check.name(), check.status(), check.detail()});
        }
        view.health.checks_end = static_cast<uint32_t>(checks_.size());
        break;
      }
      default:
        break;
    }
    SealLabels(view);
  }
}

}  // namespace fleetgate::ingest
