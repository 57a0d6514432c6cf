#pragma once
// The simulated fleet as OpenTelemetry SDKs would export it: `series` monotonic cumulative sums
// spread over services × instances (one OTLP resource each, named like Workload's sources).
// Unlike Workload, a series lives in exactly one batch: each connection's series (those of the
// sources dealt to it) are cut into exports of `batch` data points, an export carrying one
// ResourceMetrics per source it covers. Before each send a batch's values and timestamps are
// raised (OtlpBatch::Advance), so the gateway sees every point as an increase of its stream, as
// it would from a real exporter. Built once, before the clock starts; an OtlpBatch is touched by
// one thread at a time (the connection only advances a batch that is not in flight).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "workload.h"

namespace fleetgate::bench {

using OtlpRequest = opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;

struct OtlpBatch {
  OtlpRequest request;
  std::vector<opentelemetry::proto::metrics::v1::NumberDataPoint*> points;  // in `request`
  uint64_t exports = 0;                                                     // times sent so far
  uint64_t last_ns = 0;  // the time_unix_nano of the last send

  // Readies the next export: every point's cumulative value becomes the number of sends so far
  // and its time the wall clock (strictly later than the previous send's).
  void Advance();
};

// The batches of connection `index` of `connections` (sources congruent to `index`); each of the
// connection's series is in exactly one of them. `start_ns` is every stream's
// start_time_unix_nano. Empty only when the connection has no source.
std::vector<OtlpBatch> OtlpBatchesFor(const WorkloadShape& shape, size_t index, size_t connections,
                                      uint64_t start_ns);

}  // namespace fleetgate::bench
