#include "client/report_stream.h"

#include <cstdlib>

namespace fleetgate::client {

ReportStream::ReportStream(std::shared_ptr<grpc::Channel> channel, std::string token)
    : stub_(v1::Reporter::NewStub(std::move(channel))), token_(std::move(token)) {}

ReportStream::~ReportStream() {
  Cancel();
  if (stream_) stream_->Finish();
}

bool ReportStream::Open() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (cancelled_) return false;
  context_ = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) context_->AddMetadata("authorization", "Bearer " + token_);
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
  retry_after_ = std::chrono::milliseconds(0);
  const auto& trailers = context_->GetServerTrailingMetadata();
  auto hint = trailers.find("retry-after-ms");
  if (hint != trailers.end()) {
    const std::string text(hint->second.data(), hint->second.size());
    char* end = nullptr;
    const long long ms = std::strtoll(text.c_str(), &end, 10);
    if (end != text.c_str() && ms > 0) retry_after_ = std::chrono::milliseconds(ms);
  }
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
