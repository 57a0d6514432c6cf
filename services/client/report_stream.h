#pragma once
// ReportStream is one long-lived StreamReport call driven synchronously by the ReportClient's
// sender thread: write a batch, read its response (stop-and-wait), so a failing stream is always
// attributable to exactly the batch in flight. It reopens the call after a failure. Exchange and
// Close run on one thread; Cancel may be called from any thread to unblock them.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "fleetgate/v1/reporter.grpc.pb.h"

namespace fleetgate::client {

class ReportStream {
 public:
  // `token`, when not empty, is sent as `authorization: Bearer <token>` on every call.
  explicit ReportStream(std::shared_ptr<grpc::Channel> channel, std::string token = {});
  ~ReportStream();

  // Sends one batch and waits for its response, opening the call first if needed. A non-OK status
  // is the call's final status (the call is closed; the next Exchange opens a new one).
  grpc::Status Exchange(const v1::ReportRequest& request, v1::ReportResponse* response);
  // Half-closes and finishes an open call (graceful end of the stream).
  void Close();
  // Cancels the open call and every later one; Exchange then fails with CANCELLED.
  void Cancel();

  // How many calls were opened; each after the first is a reconnect.
  uint64_t opens() const { return opens_; }
  // The gateway's `retry-after-ms` trailer of the last failed call (a quota); zero if none.
  std::chrono::milliseconds retry_after() const { return retry_after_; }

 private:
  using Stream = grpc::ClientReaderWriter<v1::ReportRequest, v1::ReportResponse>;
  bool Open();
  grpc::Status Fail();

  std::unique_ptr<v1::Reporter::Stub> stub_;
  std::mutex mutex_;  // guards context_ and cancelled_ against Cancel
  std::unique_ptr<grpc::ClientContext> context_;
  bool cancelled_ = false;
  std::unique_ptr<Stream> stream_;
  uint64_t opens_ = 0;
  const std::string token_;
  std::chrono::milliseconds retry_after_{0};
};

}  // namespace fleetgate::client
