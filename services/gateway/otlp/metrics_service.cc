#include "otlp/metrics_service.h"

#include <grpcpp/support/proto_buffer_reader.h>

#include "ingest/grpc_status.h"
#include "otlp/decode_arena.h"

namespace fleetgate::otlp {
namespace {

using pb::collector::metrics::v1::ExportMetricsServiceResponse;

grpc::Status Process(ExportProcessor& processor, const ingest::ReportGate* gate,
                     grpc::CallbackServerContext& context, const grpc::ByteBuffer& request,
                     grpc::ByteBuffer* response) {
  std::optional<auth::Identity> identity;
  if (gate != nullptr) {
    grpc::Status admitted = gate->AdmitCall(context, &identity);
    if (!admitted.ok()) return admitted;
  }
  thread_local DecodeArena arena;
  ExportRequest& decoded = *arena.NewRequest();
  grpc::ByteBuffer copy(request);  // shares the slices; the reader needs a mutable buffer
  grpc::ProtoBufferReader reader(&copy);
  if (!decoded.ParseFromZeroCopyStream(&reader)) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "malformed_payload: the request is not a valid OTLP ExportMetricsServiceRequest "
            "(truncated, or a string field that is not UTF-8?)"};
  }
  std::optional<ingest::Refusal> refusal;
  Admission admit;
  if (gate != nullptr && gate->enabled()) {
    admit = [&](const std::vector<auth::ServiceEvents>& services) -> Status {
      refusal = gate->Admit(identity, services, {"grpc", [&context] { return context.peer(); }});
      return refusal ? Status(refusal->error) : Status();
    };
  }
  Result<ExportSummary> summary = processor.Export(decoded, admit);
  if (refusal) return ingest::RefusalStatus(*refusal, context);
  if (!summary.ok()) return ingest::ToGrpcStatus(summary.error());
  ExportMetricsServiceResponse answer;
  if (summary.value().rejected_data_points > 0) {
    auto* partial = answer.mutable_partial_success();
    partial->set_rejected_data_points(summary.value().rejected_data_points);
    partial->set_error_message(summary.value().error_message);
  }
  bool own_buffer = false;
  return grpc::SerializationTraits<ExportMetricsServiceResponse>::Serialize(answer, response,
                                                                            &own_buffer);
}

}  // namespace

grpc::ServerUnaryReactor* MetricsService::Export(grpc::CallbackServerContext* context,
                                                 const grpc::ByteBuffer* request,
                                                 grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto apply = [&] { return Process(processor_, gate_, *context, *request, response); };
  if (acks_ == nullptr) {
    reactor->Finish(apply());
  } else {
    acks_->Answer(context->deadline(), apply,
                  [reactor](const grpc::Status& status) { reactor->Finish(status); });
  }
  return reactor;
}

}  // namespace fleetgate::otlp
