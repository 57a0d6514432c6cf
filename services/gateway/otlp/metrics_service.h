#pragma once
// The gRPC opentelemetry.proto.collector.metrics.v1.MetricsService on the callback API: Export,
// registered raw so that a request that does not decode (truncated, a string that is not UTF-8)
// is answered INVALID_ARGUMENT with a reason by us. Exports are applied inline on gRPC's callback
// threads (CPU-only, short). With a ReportGate, each call is admitted like a Reporter call: a
// reporter credential (UNAUTHENTICATED), covering every resource's service (PERMISSION_DENIED),
// within every service's quota (RESOURCE_EXHAUSTED and `retry-after-ms`), the export refused
// whole otherwise. Thread-safe.

#include "ingest/durable_acks.h"
#include "ingest/report_gate.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "otlp/export_processor.h"

namespace fleetgate::otlp {

using RawMetricsService = pb::collector::metrics::v1::MetricsService::WithRawCallbackMethod_Export<
    pb::collector::metrics::v1::MetricsService::Service>;

class MetricsService final : public RawMetricsService {
 public:
  // `gate` may be null: every export is admitted. `acks` (may be null: answered at once) holds
  // back the answer of an export whose heartbeat recorded a health transition until it is
  // committed (storage.durable_ack).
  MetricsService(ExportProcessor& processor, const ingest::ReportGate* gate,
                 ingest::DurableAcks* acks = nullptr)
      : processor_(processor), gate_(gate), acks_(acks) {}

  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;

 private:
  ExportProcessor& processor_;
  const ingest::ReportGate* gate_;
  ingest::DurableAcks* const acks_;
};

}  // namespace fleetgate::otlp
