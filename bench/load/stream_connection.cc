// Stream mode: one StreamReport stream per connection through a ClientBidiReactor, with up to
// `window` batches in flight. A window (rather than one batch in flight on a sync stream) keeps
// the gateway busy while a response travels back and the next batch is serialized, and the
// callback API needs no thread per connection. Responses come back in order, so a FIFO of send
// times gives each batch's latency. The batches are serialized once, at the start, and the same
// bytes are written again each time round (as wrk sends prebuilt bodies to the peers in
// bench/compare-peers.sh), so the load generator spends its CPU on sending, not on protobuf.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "load_connection.h"

namespace fleetgate::bench {

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kStreamReport[] = "/fleetgate.v1.Reporter/StreamReport";

class StreamConnection : public LoadConnection,
                         public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit StreamConnection(ConnectionSetup setup)
      : setup_(std::move(setup)), generic_(setup_.channel), wire_(Serialized(setup_.batches)) {}

  void Start() override {
    AddToken(context_, setup_.token);
    generic_.PrepareBidiStreamingCall(&context_, kStreamReport, grpc::StubOptions(), this);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queued_ = setup_.paced ? 0 : setup_.window;
      in_flight_ = queued_;
    }
    StartRead(&response_bytes_);
    MaybeWrite();
    StartCall();
  }

  void Stop() override {
    std::unique_lock<std::mutex> lock(mutex_);
    stopping_ = true;
    in_flight_ -= queued_;  // never written: nothing to wait for
    queued_ = 0;
    MaybeFinishWrites(lock);
  }

  bool WaitDrained(std::chrono::milliseconds deadline) override {
    std::unique_lock<std::mutex> lock(mutex_);
    bool drained = done_cv_.wait_for(lock, deadline, [&] { return done_; });
    if (!drained) context_.TryCancel();
    done_cv_.wait(lock, [&] { return done_; });  // the reactor must outlive OnDone
    return drained;
  }

  bool Offer() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_ || finishing_ || done_ || in_flight_ >= setup_.window) return false;
      ++queued_;
      ++in_flight_;
    }
    MaybeWrite();
    return true;
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream is ending; OnDone reports how
    std::unique_lock<std::mutex> lock(mutex_);
    if (sent_.empty()) {  // a response to nothing we sent: the stream is not trustworthy
      setup_.counters->RecordFailure();
      context_.TryCancel();
      return;
    }
    v1::ReportResponse response;
    if (!grpc::GenericDeserialize<grpc::ProtoBufferReader, v1::ReportResponse>(&response_bytes_,
                                                                               &response)
             .ok()) {
      setup_.counters->RecordFailure();
      context_.TryCancel();
      return;
    }
    setup_.counters->RecordResponse(response, Clock::now() - sent_.front());
    sent_.pop_front();
    --in_flight_;
    if (!stopping_ && !setup_.paced) {
      ++queued_;
      ++in_flight_;
    }
    MaybeFinishWrites(lock);
    lock.unlock();
    StartRead(&response_bytes_);
    MaybeWrite();
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mutex_);
    writing_ = false;
    if (!ok) return;  // broken stream; OnDone follows
    MaybeFinishWrites(lock);
    lock.unlock();
    MaybeWrite();
  }

  void OnDone(const grpc::Status& status) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // Batches never answered may or may not have been applied; count them as failed RPCs.
    if (!status.ok()) setup_.counters->RecordFailure(std::max<size_t>(1, in_flight_ - queued_));
    done_ = true;
    done_cv_.notify_all();
  }

 private:
  // One write at a time is all a reactor allows.
  void MaybeWrite() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (writing_ || queued_ == 0 || finishing_) return;
    writing_ = true;
    --queued_;
    const grpc::ByteBuffer* batch = &wire_[next_++ % wire_.size()];
    sent_.push_back(Clock::now());
    lock.unlock();
    StartWrite(batch);
  }

  // Half-closes once stopping and every written batch has been answered.
  void MaybeFinishWrites(std::unique_lock<std::mutex>& lock) {
    if (!stopping_ || in_flight_ != 0 || writing_ || finishing_) return;
    finishing_ = true;
    lock.unlock();
    StartWritesDone();
    lock.lock();
  }

  ConnectionSetup setup_;
  grpc::GenericStub generic_;
  std::vector<grpc::ByteBuffer> wire_;  // the batches, serialized once
  grpc::ClientContext context_;
  grpc::ByteBuffer response_bytes_;
  std::mutex mutex_;
  std::condition_variable done_cv_;
  std::deque<Clock::time_point> sent_;  // send times of written, unanswered batches
  size_t queued_ = 0;                   // to write
  size_t in_flight_ = 0;                // queued + written and unanswered
  size_t next_ = 0;
  bool writing_ = false;
  bool stopping_ = false;
  bool finishing_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<LoadConnection> MakeStreamConnection(ConnectionSetup setup) {
  return std::make_unique<StreamConnection>(std::move(setup));
}

}  // namespace fleetgate::bench
