#pragma once
// The gRPC opentelemetry.proto.collector.metrics.v1.MetricsService on the callback API: Export,
// registered raw so that a request that does not decode (truncated, a string that is not UTF-8)
// is answered INVALID_ARGUMENT with a reason by us. Exports are applied inline on gRPC's callback
// threads (CPU-only, short). Thread-safe.

#include "ingest/durable_acks.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "otlp/export_processor.h"

namespace fleetgate::otlp {

using RawMetricsService = pb::collector::metrics::v1::MetricsService::WithRawCallbackMethod_Export<
    pb::collector::metrics::v1::MetricsService::Service>;

class MetricsService final : public RawMetricsService {
 public:
  // `acks` (may be null: answered at once) holds back the answer of an export whose heartbeat
  // recorded a health transition until it is committed (storage.durable_ack).
  explicit MetricsService(ExportProcessor& processor, ingest::DurableAcks* acks = nullptr)
      : processor_(processor), acks_(acks) {}

  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;

 private:
  ExportProcessor& processor_;
  ingest::DurableAcks* const acks_;
};

// The gRPC status of an Error (its code; the message says the reason).
grpc::Status ToGrpcStatus(const Error& error);

}  // namespace fleetgate::otlp
