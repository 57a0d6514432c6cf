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

class UnaryConnection : public WindowedConnection {
 public:
  UnaryConnection(ConnectionSetup setup, bool health)
      : WindowedConnection(setup.window, setup.paced),
        setup_(std::move(setup)),
        health_(health),
        stub_(setup_.channel) {
    if (health_) return;
    wire_ = Serialized(setup_.batches);
  }

 private:
  struct Call {
    grpc::ClientContext context;
    grpc::ByteBuffer response;
    Clock::time_point started;
  };

  void Issue() override {
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
    Answered();
  }

  ConnectionSetup setup_;
  const bool health_;
  grpc::GenericStub stub_;
  std::vector<grpc::ByteBuffer> wire_;  // the batches, serialized once (unary mode)
  const grpc::Slice empty_{std::string()};
  const grpc::ByteBuffer health_request_{&empty_, 1};  // an empty HealthCheckRequest, shared
  std::atomic<size_t> next_{0};
};

}  // namespace

std::unique_ptr<LoadConnection> MakeUnaryConnection(ConnectionSetup setup) {
  return std::make_unique<UnaryConnection>(std::move(setup), false);
}

std::unique_ptr<LoadConnection> MakeHealthConnection(ConnectionSetup setup) {
  return std::make_unique<UnaryConnection>(std::move(setup), true);
}

}  // namespace fleetgate::bench
