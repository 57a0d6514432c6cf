#include "ingest/ingest_service.h"

#include "ingest/grpc_status.h"

namespace fleetgate::ingest {

// Reads a request, applies it, writes its response, then reads the next: responses leave in
// request order and at most one batch per stream is in memory. Finish is called exactly once,
// from a reaction or from CloseStreams, whichever comes first.
class StreamReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamReactor(IngestService& service, BatchProcessor& processor,
                grpc::CallbackServerContext* context, const ReportGate* gate,
                std::optional<auth::Identity> identity)
      : service_(service),
        processor_(processor),
        context_(context),
        gate_(gate),
        identity_(std::move(identity)),
        check_(CheckFor(gate)) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client half-closed or went away
      FinishOnce(grpc::Status::OK);
      return;
    }
    response_.Clear();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      batch_pending_ = true;
    }
    service_.Answer(
        context_,
        [this] { return ProcessRaw(processor_, request_, &response_, "StreamReport", check_); },
        [this](const grpc::Status& status) { AfterBatch(status); });
  }

  // The batch's answer: at once, or after its commit on the DurableAcks worker.
  void AfterBatch(const grpc::Status& status) {
    std::unique_lock<std::mutex> lock(mutex_);
    batch_pending_ = false;
    if (done_) {  // the stream ended (CloseStreams) while the batch waited: OnDone left it to us
      lock.unlock();
      delete this;
      return;
    }
    if (finished_) return;
    if (!status.ok()) {
      finished_ = true;
      Finish(status);
      return;
    }
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      // The client is gone and never sees this status; CANCELLED is gRPC's word for it, not an
      // Error of ours.
      FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading"));
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (!finished_) StartRead(&request_);
  }

  void OnDone() override {
    service_.Forget(this);
    std::unique_lock<std::mutex> lock(mutex_);
    done_ = true;
    if (batch_pending_) return;  // AfterBatch deletes it
    lock.unlock();
    delete this;
  }

  void FinishOnce(const grpc::Status& status) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

 private:
  BatchCheck CheckFor(const ReportGate* gate) {
    if (gate == nullptr) return {};
    return [this](const ReportView& batch) {
      return gate_->AdmitBatch(*context_, identity_, batch.source().service, batch.events().size());
    };
  }

  IngestService& service_;
  BatchProcessor& processor_;
  grpc::CallbackServerContext* context_;
  const ReportGate* gate_;
  std::optional<auth::Identity> identity_;
  std::mutex mutex_;
  bool finished_ = false;
  bool batch_pending_ = false;  // a batch is applied or waits for its commit
  bool done_ = false;           // OnDone ran
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  const BatchCheck check_;  // last: it captures the members above
};

// A stream refused before its first read (no or unknown credential).
class RefusedStream final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit RefusedStream(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

namespace {

// The request's bytes in one piece: its only slice, or its slices copied into `flat` (the slices'
// references are held by `slices` meanwhile).
bool Contiguous(const grpc::ByteBuffer& request, grpc::Slice& single, std::string& flat,
                std::string_view& bytes) {
  if (request.TrySingleSlice(&single).ok()) {
    bytes = std::string_view(reinterpret_cast<const char*>(single.begin()), single.size());
    return true;
  }
  thread_local std::vector<grpc::Slice> slices;
  slices.clear();
  if (!request.Dump(&slices).ok()) return false;
  flat.clear();
  for (const grpc::Slice& slice : slices) {
    flat.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  slices.clear();
  bytes = flat;
  return true;
}

}  // namespace

grpc::Status ProcessRaw(BatchProcessor& processor, const grpc::ByteBuffer& request,
                        grpc::ByteBuffer* response, std::string_view rpc, const BatchCheck& check) {
  thread_local ReportView decoded;
  thread_local std::string flat;
  thread_local v1::ReportResponse answer;
  answer.Clear();
  grpc::Slice single;
  std::string_view bytes;
  if (!Contiguous(request, single, flat, bytes) || !decoded.Decode(bytes)) {
    return ToGrpcStatus(MakeError(ErrorCode::kInvalidArgument,
                                  "the request is not a valid fleetgate.v1.ReportRequest (is "
                                  "every string field valid UTF-8?)"));
  }
  if (check) {
    grpc::Status checked = check(decoded);
    if (!checked.ok()) return checked;
  }
  if (Status status = processor.Process(decoded, &answer, rpc); !status.ok()) {
    return ToGrpcStatus(status.error());
  }
  bool own_buffer = false;
  return grpc::SerializationTraits<v1::ReportResponse>::Serialize(answer, response, &own_buffer);
}

grpc::ServerUnaryReactor* IngestService::Report(grpc::CallbackServerContext* context,
                                                const grpc::ByteBuffer* request,
                                                grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto finish = [reactor](const grpc::Status& status) { reactor->Finish(status); };
  if (gate_ == nullptr) {
    Answer(
        context, [&] { return ProcessRaw(processor_, *request, response, "Report"); }, finish);
    return reactor;
  }
  std::optional<auth::Identity> identity;
  grpc::Status admitted = gate_->AdmitCall(*context, &identity);
  if (!admitted.ok()) {
    reactor->Finish(admitted);
    return reactor;
  }
  auto check = [&](const ReportView& batch) {
    return gate_->AdmitBatch(*context, identity, batch.source().service, batch.events().size());
  };
  Answer(
      context, [&] { return ProcessRaw(processor_, *request, response, "Report", check); }, finish);
  return reactor;
}

void IngestService::Answer(grpc::CallbackServerContext* context,
                           const std::function<grpc::Status()>& apply, DurableAcks::Done done) {
  if (acks_ == nullptr) {
    done(apply());
    return;
  }
  acks_->Answer(context->deadline(), apply, std::move(done));
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* IngestService::StreamReport(
    grpc::CallbackServerContext* context) {
  std::optional<auth::Identity> identity;
  if (gate_ != nullptr) {
    grpc::Status admitted = gate_->AdmitCall(*context, &identity);
    if (!admitted.ok()) return new RefusedStream(admitted);
  }
  auto* stream = new StreamReactor(*this, processor_, context, gate_, std::move(identity));
  std::lock_guard<std::mutex> lock(streams_mutex_);
  streams_.insert(stream);
  return stream;
}

void IngestService::Forget(StreamReactor* stream) {
  std::lock_guard<std::mutex> lock(streams_mutex_);
  streams_.erase(stream);
}

void IngestService::CloseStreams() {
  // OnDone (which takes streams_mutex_) runs later on a gRPC thread, never inside Finish, so
  // every stream in the set stays alive while we hold the lock.
  std::lock_guard<std::mutex> lock(streams_mutex_);
  for (StreamReactor* stream : streams_) {
    stream->FinishOnce(ToGrpcStatus(MakeError(
        ErrorCode::kUnavailable, "fleetgate is shutting down; reconnect to another instance")));
  }
}

}  // namespace fleetgate::ingest
