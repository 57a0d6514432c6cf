// Unary mode: `window` concurrent Report calls on one channel via the callback API; each completion
// records its latency and, unless stopping, immediately issues the next call. Health mode: the same
// with grpc.health.v1.Health/Check (an empty request), the floor of any unary RPC on the server.
// Both go through one generic stub with requests serialized once, at the start (as wrk sends
// prebuilt bodies), so the two modes cost the load generator the same per call.

#include <grpcpp/generic/generic_stub.h>

#include <atomic>

#include "call_window.h"
#include "load_connection.h"

namespace fleetgate::bench {

namespace {

using Clock = std::chrono::steady_clock;

class UnaryConnection : public LoadConnection {
 public:
  UnaryConnection(ConnectionSetup setup, bool health)
      : setup_(std::move(setup)), health_(health), stub_(setup_.channel), window_(setup_.window) {
    if (health_) return;
    wire_ = Serialized(setup_.batches);
  }

  void Start() override {
    if (setup_.paced) return;  // calls start when offered
    for (size_t i = window_.TakeAll(); i > 0; --i) Issue();
  }

  bool Offer() override {
    if (!window_.TryTake()) return false;
    Issue();
    return true;
  }

  void Stop() override { window_.Stop(); }

  bool WaitDrained(std::chrono::milliseconds deadline) override {
    return window_.WaitDrained(deadline);
  }

 private:
  struct Call {
    grpc::ClientContext context;
    grpc::ByteBuffer response;
    Clock::time_point started;
  };

  void Issue() {
    auto* call = new Call;
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    AddToken(call->context, setup_.token);
    call->started = Clock::now();
    const grpc::ByteBuffer* request = &health_request_;
    const char* method = "/grpc.health.v1.Health/Check";
    if (!health_) {
      request = &wire_[next_.fetch_add(1, std::memory_order_relaxed) % wire_.size()];
      method = "/fleetgate.v1.Reporter/Report";
    }
    stub_.UnaryCall(&call->context, method, grpc::StubOptions(), request, &call->response,
                    [this, call](grpc::Status status) { Complete(call, status); });
  }

  void Complete(Call* call, const grpc::Status& status) {
    v1::ReportResponse response;  // stays empty in health mode
    if (status.ok() &&
        (health_ || grpc::GenericDeserialize<grpc::ProtoBufferReader, v1::ReportResponse>(
                        &call->response, &response)
                        .ok())) {
      setup_.counters->RecordResponse(response, Clock::now() - call->started);
    } else {
      setup_.counters->RecordFailure();
    }
    delete call;
    if (window_.KeepSlot(setup_.paced)) Issue();
  }

  ConnectionSetup setup_;
  const bool health_;
  grpc::GenericStub stub_;
  std::vector<grpc::ByteBuffer> wire_;  // the batches, serialized once (unary mode)
  const grpc::Slice empty_{std::string()};
  const grpc::ByteBuffer health_request_{&empty_, 1};  // an empty HealthCheckRequest, shared
  std::atomic<size_t> next_{0};
  CallWindow window_;
};

}  // namespace

std::unique_ptr<LoadConnection> MakeUnaryConnection(ConnectionSetup setup) {
  return std::make_unique<UnaryConnection>(std::move(setup), false);
}

std::unique_ptr<LoadConnection> MakeHealthConnection(ConnectionSetup setup) {
  return std::make_unique<UnaryConnection>(std::move(setup), true);
}

}  // namespace fleetgate::bench
