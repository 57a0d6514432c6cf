#include "otlp_workload.h"

#include <algorithm>
#include <chrono>
#include <string>

namespace fleetgate::bench {

namespace {

namespace metrics_pb = opentelemetry::proto::metrics::v1;
using opentelemetry::proto::common::v1::KeyValue;

// As in Workload: metrics of at most this many series, under the gateway's default cap of 2000
// series per metric and service even with 20 instances.
constexpr size_t kSeriesPerMetric = 100;

void SetAttribute(KeyValue* attribute, const std::string& key, const std::string& value) {
  attribute->set_key(key);
  attribute->mutable_value()->set_string_value(value);
}

metrics_pb::ResourceMetrics* AddResource(OtlpRequest& request, const WorkloadShape& shape,
                                         size_t source) {
  auto* resource = request.add_resource_metrics();
  auto* attributes = resource->mutable_resource()->mutable_attributes();
  SetAttribute(attributes->Add(), "service.name",
               shape.service_prefix + "-" + std::to_string(source / shape.instances));
  SetAttribute(attributes->Add(), "service.instance.id",
               "bench-inst-" + std::to_string(source % shape.instances));
  SetAttribute(attributes->Add(), "service.version", "bench");
  auto* scope = resource->add_scope_metrics();
  scope->mutable_scope()->set_name("fleetgate-bench");
  return resource;
}

metrics_pb::Sum* AddSum(metrics_pb::ResourceMetrics* resource, size_t metric) {
  auto* added = resource->mutable_scope_metrics(0)->add_metrics();
  added->set_name("bench_requests_" + std::to_string(metric));
  auto* sum = added->mutable_sum();
  sum->set_is_monotonic(true);
  sum->set_aggregation_temporality(metrics_pb::AGGREGATION_TEMPORALITY_CUMULATIVE);
  return sum;
}

// Appends the series of one source to the batches, opening a new export every `batch` points.
class BatchBuilder {
 public:
  BatchBuilder(const WorkloadShape& shape, uint64_t start_ns)
      : shape_(shape), start_ns_(start_ns) {}

  void AddSource(size_t source, size_t share) {
    resource_ = nullptr;
    for (size_t slot = 0; slot < share; ++slot) {
      if (batches_.empty() || points_ == shape_.batch) {
        batches_.emplace_back();
        points_ = 0;
        resource_ = nullptr;
      }
      if (resource_ == nullptr) {
        resource_ = AddResource(batches_.back().request, shape_, source);
        sum_ = nullptr;
      }
      if (sum_ == nullptr || slot % kSeriesPerMetric == 0) {
        sum_ = AddSum(resource_, slot / kSeriesPerMetric);
      }
      auto* point = sum_->add_data_points();
      SetAttribute(point->add_attributes(), "route",
                   "/r" + std::to_string(slot % kSeriesPerMetric));
      point->set_start_time_unix_nano(start_ns_);
      ++points_;
    }
  }

  std::vector<OtlpBatch> Take() { return std::move(batches_); }

 private:
  const WorkloadShape& shape_;
  const uint64_t start_ns_;
  std::vector<OtlpBatch> batches_;
  size_t points_ = 0;
  metrics_pb::ResourceMetrics* resource_ = nullptr;
  metrics_pb::Sum* sum_ = nullptr;
};

void CollectPoints(OtlpBatch& batch) {
  for (auto& resource : *batch.request.mutable_resource_metrics()) {
    for (auto& scope : *resource.mutable_scope_metrics()) {
      for (auto& metric : *scope.mutable_metrics()) {
        for (auto& point : *metric.mutable_sum()->mutable_data_points()) {
          batch.points.push_back(&point);
        }
      }
    }
  }
}

}  // namespace

void OtlpBatch::Advance() {
  ++exports;
  const uint64_t now_ns =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  last_ns = std::max(now_ns, last_ns + 1);
  for (auto* point : points) {
    point->set_as_int(static_cast<int64_t>(exports));
    point->set_time_unix_nano(last_ns);
  }
}

std::vector<OtlpBatch> OtlpBatchesFor(const WorkloadShape& shape, size_t index, size_t connections,
                                      uint64_t start_ns) {
  const size_t sources = std::max<size_t>(1, shape.services * shape.instances);
  BatchBuilder builder(shape, start_ns);
  for (size_t source = index; source < sources; source += connections) {
    size_t share = shape.series / sources + (source < shape.series % sources ? 1 : 0);
    builder.AddSource(source, std::max<size_t>(share, 1));
  }
  std::vector<OtlpBatch> batches = builder.Take();
  for (auto& batch : batches) CollectPoints(batch);
  return batches;
}

}  // namespace fleetgate::bench
