#include "ingest/batch_processor.h"

#include <algorithm>
#include <array>

#include "core/in_flight.h"
#include "ingest/event_checks.h"

namespace fleetgate::ingest {
namespace {

using metrics::EventError;
using metrics::MetricKind;
namespace reason = metrics::reason;

// The event kinds with an accepted-events counter, in the order of AcceptedByKind's slots. An
// event of no kind is never accepted.
constexpr std::array<v1::Event::KindCase, 4> kKinds = {v1::Event::kCounter, v1::Event::kGauge,
                                                       v1::Event::kObservation, v1::Event::kHealth};
constexpr std::array<std::string_view, 4> kKindLabels = {"counter", "gauge", "observation",
                                                         "health"};

// Accepted events of one batch by kind, added to fleetgate_events_accepted_total once per batch
// rather than once per event (a map lookup and an atomic add each).
class AcceptedByKind {
 public:
  void Count(v1::Event::KindCase kind) {
    for (size_t k = 0; k < kKinds.size(); ++k) {
      if (kKinds[k] == kind) {
        ++counts_[k];
        return;
      }
    }
  }
  void AddTo(const metrics::IngestMetrics& self_metrics) const {
    for (size_t k = 0; k < kKinds.size(); ++k) {
      if (counts_[k] != 0) {
        self_metrics.accepted(kKindLabels[k]).Increment(static_cast<double>(counts_[k]));
      }
    }
  }

 private:
  std::array<uint32_t, 4> counts_{};
};

}  // namespace

// A metric event's merged labels and series key, built once, ahead of its apply.
struct BatchProcessor::PreparedEvent {
  bool metric = false;  // counter, gauge or observation; the rest is unused otherwise
  MetricKind kind = MetricKind::kCounter;
  std::string_view name;
  double value = 0;
  std::vector<metrics::LabelView> labels;
  metrics::SeriesKey key;
};

BatchProcessor::BatchProcessor(IngestOptions options, metrics::MetricStore& store,
                               health::HealthRegistry& registry,
                               const metrics::IngestMetrics& self_metrics)
    : options_(std::move(options)),
      store_(store),
      registry_(registry),
      self_metrics_(self_metrics) {}

Status BatchProcessor::Process(const v1::ReportRequest& request, v1::ReportResponse* response,
                               std::string_view rpc) {
  thread_local ReportView view;
  view.Assign(request);
  return Process(view, response, rpc);
}

Status BatchProcessor::Process(const ReportView& request, v1::ReportResponse* response,
                               std::string_view rpc) {
  fleetgate::InFlight in_flight(in_flight_);
  if (draining_.load()) {
    return MakeError(ErrorCode::kUnavailable, "fleetgate is shutting down; retry another instance");
  }
  if (standby_.load()) {
    return MakeError(ErrorCode::kUnavailable, "fleetgate is a standby; report to the leader");
  }
  if (in_flight.count() > options_.max_inflight_batches) {
    return MakeError(ErrorCode::kUnavailable, "fleetgate is overloaded; retry with backoff");
  }
  const auto start = std::chrono::steady_clock::now();
  Status status = ProcessAdmitted(request, response, rpc);
  if (status.ok()) {
    self_metrics_.ingest_duration().Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return status;
}

Status BatchProcessor::ProcessAdmitted(const ReportView& request, v1::ReportResponse* response,
                                       std::string_view rpc) {
  const SourceView& source = request.source();
  if (Status bad = CheckSource(source, options_); !bad.ok()) {
    // Refused whole (nothing of the batch can be attributed): counted, as a limit must be.
    self_metrics_.rejected(reason::kInvalidSource)
        .Increment(static_cast<double>(request.events().size()));
    return bad;
  }
  const size_t events = request.events().size();
  if (events > options_.max_events_per_batch) {
    // Refused whole: listing every excess event would make the response unbounded.
    self_metrics_.rejected(reason::kTooManyEvents).Increment(static_cast<double>(events));
    return EventError(reason::kTooManyEvents,
                      "the batch has " + std::to_string(events) + " events; at most " +
                          std::to_string(options_.max_events_per_batch) + " per batch");
  }
  self_metrics_.batches(rpc).Increment();
  response->set_batch_id(request.batch_id());
  // An instance the registry cannot hold (its caps, or the series budget its fleetgate_instance_*
  // series would take) sends nothing: every event is refused, metrics too, so a flood of new
  // instances adds neither instances nor series.
  if (!registry_.Admissible(source.service, source.instance)) {
    const Error refused = InstanceLimit(source);
    for (size_t i = 0; i < events; ++i) Reject(response, i, refused);
    response->set_accepted(0);
    response->set_rejected(static_cast<uint32_t>(response->rejections_size()));
    return Status::Ok();
  }
  // Every event's labels and key first (each key's table slot prefetched as it is built), then
  // the metric events in one ApplyBatch, then the outcomes in event order.
  thread_local std::vector<PreparedEvent> prepared;
  thread_local std::vector<metrics::MetricEvent> metric_events;
  thread_local std::vector<Status> metric_outcomes;
  PrepareAll(request, prepared, metric_events);
  store_.ApplyBatch(metric_events, source.service, metric_outcomes);
  uint32_t accepted = 0;
  AcceptedByKind accepted_by_kind;
  size_t next_metric = 0;
  for (size_t i = 0; i < events; ++i) {
    const EventView& event = request.events()[i];
    const Status& outcome =
        prepared[i].metric ? metric_outcomes[next_metric++] : ApplyOther(request, event);
    if (outcome.ok()) {
      ++accepted;
      accepted_by_kind.Count(event.kind);
    } else {
      Reject(response, i, outcome.error());
    }
  }
  accepted_by_kind.AddTo(self_metrics_);
  // After the events, and only when one was accepted: a new instance whose batch carries a
  // health report is first seen with that status (one first-sighting transition), and an
  // instance becomes known only by an accepted event: an empty batch, or one whose events were
  // all refused, registers nothing. Admissible was checked above; should another batch have
  // taken the last place meanwhile, this batch's metrics count and the instance stays out.
  if (accepted > 0) registry_.Seen(source.service, source.instance, source.version);
  response->set_accepted(accepted);
  response->set_rejected(static_cast<uint32_t>(response->rejections_size()));
  return Status::Ok();
}

void BatchProcessor::PrepareAll(const ReportView& request, std::vector<PreparedEvent>& prepared,
                                std::vector<metrics::MetricEvent>& metric_events) {
  const size_t events = request.events().size();
  if (prepared.size() < events) prepared.resize(events);
  metric_events.clear();
  for (size_t i = 0; i < events; ++i) {
    PreparedEvent& event = prepared[i];
    Prepare(request, request.events()[i], event);
    if (event.metric) {
      metric_events.push_back({event.kind, &event.key, event.name, &event.labels, event.value});
    }
  }
}

void BatchProcessor::Prepare(const ReportView& request, const EventView& event,
                             PreparedEvent& prepared) {
  switch (event.kind) {
    case v1::Event::kCounter:
      prepared.kind = MetricKind::kCounter;
      break;
    case v1::Event::kGauge:
      prepared.kind = MetricKind::kGauge;
      break;
    case v1::Event::kObservation:
      prepared.kind = MetricKind::kHistogram;
      break;
    default:
      prepared.metric = false;
      return;
  }
  const SourceView& source = request.source();
  prepared.metric = true;
  prepared.name = event.name;
  prepared.value = event.value;
  MergeLabels(source.labels, request.labels(event), prepared.labels);
  metrics::BuildSeriesKey(prepared.key, event.name, source.service, source.instance,
                          prepared.labels);
  store_.PrefetchSlot(prepared.key);
}

Status BatchProcessor::ApplyOther(const ReportView& request, const EventView& event) {
  if (event.kind != v1::Event::kHealth) {
    return EventError(reason::kEmptyEvent, "event has none of counter, gauge, observation, health");
  }
  const SourceView& source = request.source();
  health::HealthReport report;
  Status outcome = ToHealthReport(event.health, request.checks(event.health), options_, report);
  if (!outcome.ok()) return outcome;
  if (!registry_.Report(source.service, source.instance, source.version, report)) {
    return InstanceLimit(source);
  }
  return Status::Ok();
}

Error BatchProcessor::InstanceLimit(const SourceView& source) {
  return EventError(reason::kInstanceLimit,
                    "instance \"" + std::string(source.instance) + "\" of service \"" +
                        std::string(source.service) +
                        "\" is new and the registry is full (health.max_instances, "
                        "health.max_instances_per_service, or limits.max_series_total, of which "
                        "each instance takes " +
                        std::to_string(health::kSeriesPerInstance) + " series)");
}

void BatchProcessor::Reject(v1::ReportResponse* response, size_t index, const Error& error) {
  self_metrics_.rejected(error.Reason()).Increment();
  v1::Rejection* rejection = response->add_rejections();
  rejection->set_index(static_cast<uint32_t>(index));
  rejection->set_reason(std::string(error.Reason()));
  rejection->set_message(error.message);
}

}  // namespace fleetgate::ingest
