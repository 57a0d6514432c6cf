#pragma once
// OTLP mode: exports to opentelemetry.proto.collector.metrics.v1.MetricsService/Export, the way
// an OpenTelemetry SDK or Collector reports to the gateway.

#include <memory>
#include <vector>

#include "load_connection.h"
#include "otlp_workload.h"

namespace fleetgate::bench {

// Keeps up to `setup.window` Export calls in flight on `setup.channel` (never more than there
// are batches: a batch is never in flight twice, so its values only grow). `setup.stub` and
// `setup.batches` are not used; `batches` are the connection's own. Counts accepted data points:
// those of each OK answer minus its partial_success.rejected_data_points.
std::unique_ptr<LoadConnection> MakeOtlpConnection(ConnectionSetup setup,
                                                   std::vector<OtlpBatch> batches);

}  // namespace fleetgate::bench
