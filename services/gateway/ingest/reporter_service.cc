#include "ingest/reporter_service.h"

#include <grpcpp/support/proto_buffer_reader.h>

namespace fleetgate::ingest {
namespace {

// Reads a request, applies it, writes its response, then reads the next: responses leave in
// request order and at most one batch per stream is in memory.
class StreamReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit StreamReactor(BatchProcessor& processor) : processor_(processor) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed or went away
      Finish(grpc::Status::OK);
      return;
    }
    response_.Clear();
    grpc::Status status = ProcessRaw(processor_, request_, &response_, "StreamReport");
    if (!status.ok()) {
      Finish(status);
      return;
    }
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading"));
      return;
    }
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  BatchProcessor& processor_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
};

}  // namespace

grpc::Status ProcessRaw(BatchProcessor& processor, const grpc::ByteBuffer& request,
                        grpc::ByteBuffer* response, std::string_view rpc) {
  thread_local v1::ReportRequest decoded;
  thread_local v1::ReportResponse answer;
  decoded.Clear();
  answer.Clear();
  grpc::ByteBuffer copy(request);  // shares the slices; the reader needs a mutable buffer
  grpc::ProtoBufferReader reader(&copy);
  if (!decoded.ParseFromZeroCopyStream(&reader)) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "the request is not a valid fleetgate.v1.ReportRequest (is every string field valid "
            "UTF-8?)"};
  }
  grpc::Status status = processor.Process(decoded, &answer, rpc);
  if (!status.ok()) return status;
  bool own_buffer = false;
  return grpc::SerializationTraits<v1::ReportResponse>::Serialize(answer, response, &own_buffer);
}

grpc::ServerUnaryReactor* ReporterService::Report(grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* request,
                                                  grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ProcessRaw(processor_, *request, response, "Report"));
  return reactor;
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* ReporterService::StreamReport(
    grpc::CallbackServerContext*) {
  return new StreamReactor(processor_);
}

}  // namespace fleetgate::ingest
