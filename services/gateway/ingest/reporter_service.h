#pragma once
// The gRPC Reporter service on the callback API: Report (unary) and StreamReport (bidi, one
// response per request, in order). Batches are applied inline on gRPC's callback threads; the
// work is CPU-only and short (no I/O, no SQLite). Thread-safe.

#include "fleetgate/v1/reporter.grpc.pb.h"
#include "ingest/batch_processor.h"

namespace fleetgate::ingest {

class ReporterService final : public v1::Reporter::CallbackService {
 public:
  explicit ReporterService(BatchProcessor& processor) : processor_(processor) {}

  grpc::ServerUnaryReactor* Report(grpc::CallbackServerContext* context,
                                   const v1::ReportRequest* request,
                                   v1::ReportResponse* response) override;
  grpc::ServerBidiReactor<v1::ReportRequest, v1::ReportResponse>* StreamReport(
      grpc::CallbackServerContext* context) override;

 private:
  BatchProcessor& processor_;
};

}  // namespace fleetgate::ingest
