#include "client/report_stream.h"

namespace fleetgate::client {

ReportStream::ReportStream(std::shared_ptr<grpc::Channel> channel)
    : stub_(v1::Reporter::NewStub(std::move(channel))) {}

ReportStream::~ReportStream() {
  Cancel();
  if (stream_) stream_->Finish();
}

bool ReportStream::Open() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (cancelled_) return false;
  context_ = std::make_unique<grpc::ClientContext>();
  stream_ = stub_->StreamReport(context_.get());
  ++opens_;
  return true;
}

grpc::Status ReportStream::Exchange(const v1::ReportRequest& request,
                                    v1::ReportResponse* response) {
  if (!stream_ && !Open()) return grpc::Status(grpc::StatusCode::CANCELLED, "reporter stopped");
  if (!stream_->Write(request) || !stream_->Read(response)) return Fail();
  if (response->batch_id() != request.batch_id()) {
    std::lock_guard<std::mutex> lock(mutex_);
    context_->TryCancel();
    Fail();
    return grpc::Status(grpc::StatusCode::INTERNAL, "response for another batch");
  }
  return grpc::Status::OK;
}

grpc::Status ReportStream::Fail() {
  grpc::Status status = stream_->Finish();
  stream_.reset();
  if (status.ok()) {
    // The gateway ended the stream without answering: treat like a lost connection.
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "stream closed by the gateway");
  }
  return status;
}

void ReportStream::Close() {
  if (!stream_) return;
  stream_->WritesDone();
  stream_->Finish();
  stream_.reset();
}

void ReportStream::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
  if (context_) context_->TryCancel();
}

}  // namespace fleetgate::client
