#include "ingest/reporter_service.h"

namespace fleetgate::ingest {
namespace {

// Reads a request, applies it, writes its response, then reads the next: responses leave in
// request order and at most one batch per stream is in memory.
class StreamReactor final : public grpc::ServerBidiReactor<v1::ReportRequest, v1::ReportResponse> {
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
    grpc::Status status = processor_.Process(request_, &response_, "StreamReport");
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
  v1::ReportRequest request_;
  v1::ReportResponse response_;
};

}  // namespace

grpc::ServerUnaryReactor* ReporterService::Report(grpc::CallbackServerContext* context,
                                                  const v1::ReportRequest* request,
                                                  v1::ReportResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(processor_.Process(*request, response, "Report"));
  return reactor;
}

grpc::ServerBidiReactor<v1::ReportRequest, v1::ReportResponse>* ReporterService::StreamReport(
    grpc::CallbackServerContext*) {
  return new StreamReactor(processor_);
}

}  // namespace fleetgate::ingest
