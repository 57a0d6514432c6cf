#pragma once
// IngestService implements the proto service fleetgate.v1.Reporter on the callback API: Report
// (unary) and StreamReport (bidi, one response per request, in order). Methods are registered raw
// so that a request protobuf cannot decode (e.g. a string field that is not UTF-8) is answered
// INVALID_ARGUMENT by us, not dropped or mislabelled by the generated handler. Batches are applied
// inline on gRPC's callback threads; the work is CPU-only and short (no I/O, no SQLite).
// Thread-safe.

#include <functional>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "fleetgate/v1/reporter.grpc.pb.h"
#include "ingest/batch_processor.h"
#include "ingest/durable_acks.h"
#include "ingest/report_gate.h"
#include "ingest/report_view.h"

namespace fleetgate::ingest {

using RawIngestServiceBase = v1::Reporter::WithRawCallbackMethod_Report<
    v1::Reporter::WithRawCallbackMethod_StreamReport<v1::Reporter::Service>>;

class StreamReactor;

class IngestService final : public RawIngestServiceBase {
 public:
  // `gate` (may be null: open) checks each call's credential and each batch's service and quota.
  // `acks` (may be null: answered at once) holds back the answer of a batch that recorded a
  // health transition until it is committed (storage.durable_ack).
  explicit IngestService(BatchProcessor& processor, const ReportGate* gate = nullptr,
                         DurableAcks* acks = nullptr)
      : processor_(processor), gate_(gate), acks_(acks) {}

  grpc::ServerUnaryReactor* Report(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* StreamReport(
      grpc::CallbackServerContext* context) override;

  // Ends every open stream with UNAVAILABLE (graceful stop: an idle stream would otherwise hold
  // the shutdown until its deadline). Call after BatchProcessor::Drain.
  void CloseStreams();

 private:
  friend class StreamReactor;
  void Forget(StreamReactor* stream);
  // Runs `apply` and hands its status to `done`, after the commit when durable acks apply.
  void Answer(grpc::CallbackServerContext* context, const std::function<grpc::Status()>& apply,
              DurableAcks::Done done);

  BatchProcessor& processor_;
  const ReportGate* gate_;
  DurableAcks* const acks_;
  std::mutex streams_mutex_;
  std::unordered_set<StreamReactor*> streams_;
};

// Runs on a decoded batch before it is applied; a non-OK status fails the RPC.
using BatchCheck = std::function<grpc::Status(const ReportView&)>;

// Decodes, checks, applies and encodes one batch; a non-OK status (from ToGrpcStatus or the
// gate) fails the RPC.
grpc::Status ProcessRaw(BatchProcessor& processor, const grpc::ByteBuffer& request,
                        grpc::ByteBuffer* response, std::string_view rpc,
                        const BatchCheck& check = {});

}  // namespace fleetgate::ingest
