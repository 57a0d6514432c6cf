#include "ingest/batch_processor.h"

#include <algorithm>
#include <array>

#include "ingest/event_checks.h"

namespace fleetgate::ingest {
namespace {

using metrics::EventError;
using metrics::MetricKind;
namespace reason = metrics::reason;

// Counts a batch in flight for as long as it lives.
class InFlightGuard {
 public:
  explicit InFlightGuard(std::atomic<size_t>& counter) : counter_(counter), count_(++counter) {}
  ~InFlightGuard() { --counter_; }
  size_t count() const { return count_; }

 private:
  std::atomic<size_t>& counter_;
  size_t count_;
};

std::string_view KindLabel(v1::Event::KindCase kind) {
  switch (kind) {
    case v1::Event::kCounter:
      return "counter";
    case v1::Event::kGauge:
      return "gauge";
    case v1::Event::kObservation:
      return "observation";
    case v1::Event::kHealth:
      return "health";
    default:
      return "";
  }
}

// How many events ahead of the one being applied a metric event's key is built and its table slot
// prefetched; its series is prefetched one event ahead, when the slot is in cache. With 100k
// series and more, slot and series are each a likely cache miss otherwise.
constexpr int kPrefetchAhead = 2;

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
  InFlightGuard in_flight(in_flight_);
  if (draining_.load()) {
    return MakeError(ErrorCode::kUnavailable, "fleetgate is shutting down; retry another instance");
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

Status BatchProcessor::ProcessAdmitted(const v1::ReportRequest& request,
                                       v1::ReportResponse* response, std::string_view rpc) {
  const v1::Source& source = request.source();
  if (Status bad = CheckSource(source, options_); !bad.ok()) return bad;
  const auto events = static_cast<size_t>(request.events_size());
  if (events > options_.max_events_per_batch) {
    // Refused whole: listing every excess event would make the response unbounded.
    self_metrics_.rejected(reason::kTooManyEvents).Increment(static_cast<double>(events));
    return EventError(reason::kTooManyEvents,
                      "the batch has " + std::to_string(events) + " events; at most " +
                          std::to_string(options_.max_events_per_batch) + " per batch");
  }
  self_metrics_.batches(rpc).Increment();
  const auto source_labels = SortedLabels(source);
  response->set_batch_id(request.batch_id());
  uint32_t accepted = 0;
  // A pipeline: while event i is applied, event i + kPrefetchAhead is prepared (its slot
  // prefetched) and event i + 1's series is prefetched.
  thread_local std::array<PreparedEvent, kPrefetchAhead + 1> ring;
  const int events_size = request.events_size();
  auto prepared = [&](int i) -> PreparedEvent& { return ring[i % ring.size()]; };
  auto prefetch_series = [&](int i) {
    if (prepared(i).metric) store_.PrefetchSeries(prepared(i).key);
  };
  for (int i = 0; i < std::min(events_size, kPrefetchAhead); ++i) {
    Prepare(request.events(i), source, source_labels, prepared(i));
  }
  if (events_size > 0) prefetch_series(0);
  for (int i = 0; i < events_size; ++i) {
    if (i + kPrefetchAhead < events_size) {
      Prepare(request.events(i + kPrefetchAhead), source, source_labels,
              prepared(i + kPrefetchAhead));
    }
    if (i + 1 < events_size) prefetch_series(i + 1);
    const v1::Event& event = request.events(i);
    Status outcome = ApplyEvent(event, source, prepared(i));
    if (outcome.ok()) {
      ++accepted;
      self_metrics_.accepted(KindLabel(event.kind_case())).Increment();
    } else {
      Reject(response, i, outcome.error());
    }
  }
  // After the events: a new instance whose batch carries a health report is first seen with
  // that status (one first-sighting transition), not as UNKNOWN and then again.
  registry_.Seen(source.service(), source.instance(), source.version());
  response->set_accepted(accepted);
  response->set_rejected(static_cast<uint32_t>(response->rejections_size()));
  return Status::Ok();
}

void BatchProcessor::Prepare(const v1::Event& event, const v1::Source& source,
                             const std::vector<metrics::LabelView>& source_labels,
                             PreparedEvent& prepared) {
  auto prepare = [&](MetricKind kind, const auto& metric, double value) {
    prepared.metric = true;
    prepared.kind = kind;
    prepared.name = metric.name();
    prepared.value = value;
    MergeLabels(source_labels, metric.labels(), prepared.labels);
    metrics::BuildSeriesKey(prepared.key, metric.name(), source.service(), source.instance(),
                            prepared.labels);
    store_.PrefetchSlot(prepared.key);
  };
  prepared.metric = false;
  switch (event.kind_case()) {
    case v1::Event::kCounter:
      return prepare(MetricKind::kCounter, event.counter(), event.counter().delta());
    case v1::Event::kGauge:
      return prepare(MetricKind::kGauge, event.gauge(), event.gauge().value());
    case v1::Event::kObservation:
      return prepare(MetricKind::kHistogram, event.observation(), event.observation().value());
    default:
      return;
  }
}

Status BatchProcessor::ApplyEvent(const v1::Event& event, const v1::Source& source,
                                  const PreparedEvent& prepared) {
  if (prepared.metric) {
    return store_.Apply(prepared.kind, prepared.key, prepared.name, source.service(),
                        prepared.labels, prepared.value);
  }
  switch (event.kind_case()) {
    case v1::Event::kHealth:
      return ApplyHealth(event.health(), source);
    default:
      return EventError(reason::kEmptyEvent,
                        "event has none of counter, gauge, observation, health");
  }
}

Status BatchProcessor::ApplyHealth(const v1::HealthEvent& event, const v1::Source& source) {
  health::HealthReport report;
  Status outcome = ToHealthReport(event, options_, report);
  if (outcome.ok()) registry_.Report(source.service(), source.instance(), source.version(), report);
  return outcome;
}

void BatchProcessor::Reject(v1::ReportResponse* response, int index, const Error& error) {
  self_metrics_.rejected(error.Reason()).Increment();
  v1::Rejection* rejection = response->add_rejections();
  rejection->set_index(static_cast<uint32_t>(index));
  rejection->set_reason(std::string(error.Reason()));
  rejection->set_message(error.message);
}

}  // namespace fleetgate::ingest
