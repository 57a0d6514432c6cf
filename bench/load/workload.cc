#include "workload.h"

#include <algorithm>
#include <string>

namespace fleetgate::bench {

namespace {

// The gateway caps series per (metric, service) at 2000 by default; a source's series are split
// into metrics of at most this many series each so that 20 instances still fit under the cap.
constexpr size_t kSeriesPerMetric = 100;

v1::Event CounterFor(size_t slot) {
  v1::Event event;
  auto* counter = event.mutable_counter();
  counter->set_name("bench_requests_" + std::to_string(slot / kSeriesPerMetric) + "_total");
  (*counter->mutable_labels())["route"] = "/r" + std::to_string(slot % kSeriesPerMetric);
  counter->set_delta(1);
  return event;
}

}  // namespace

Workload::Workload(const WorkloadShape& shape) : shape_(shape) {
  size_t sources = std::max<size_t>(1, shape.services * shape.instances);
  by_source_.resize(sources);
  for (size_t source = 0; source < sources; ++source) {
    size_t share = shape.series / sources + (source < shape.series % sources ? 1 : 0);
    BuildSource(source, std::max<size_t>(share, 1));
  }
}

void Workload::BuildSource(size_t source, size_t share) {
  v1::ReportRequest request;
  request.mutable_source()->set_service(shape_.service_prefix + "-" +
                                        std::to_string(source / shape_.instances));
  request.mutable_source()->set_instance("bench-inst-" + std::to_string(source % shape_.instances));
  request.mutable_source()->set_version("bench");
  size_t batches = (share + shape_.batch - 1) / shape_.batch;
  for (size_t b = 0; b < batches; ++b) {
    v1::ReportRequest batch = request;
    for (size_t i = 0; i < shape_.batch; ++i) {
      *batch.add_events() = CounterFor((b * shape_.batch + i) % share);
    }
    by_source_[source].push_back(std::move(batch));
  }
  if (!shape_.health_flips) return;
  // Twice the batches: the first copy reports SERVING, the second DEGRADED.
  std::vector<v1::ReportRequest> flipping;
  for (auto status : {v1::HEALTH_STATUS_SERVING, v1::HEALTH_STATUS_DEGRADED}) {
    for (v1::ReportRequest batch : by_source_[source]) {
      batch.add_events()->mutable_health()->set_status(status);
      flipping.push_back(std::move(batch));
    }
  }
  by_source_[source] = std::move(flipping);
}

std::vector<const v1::ReportRequest*> Workload::BatchesFor(size_t index, size_t connections) const {
  std::vector<const v1::ReportRequest*> batches;
  for (size_t source = index; source < by_source_.size(); source += connections) {
    for (const auto& batch : by_source_[source]) batches.push_back(&batch);
  }
  return batches;
}

}  // namespace fleetgate::bench
