// Unary mode: `window` concurrent Report calls on one channel via the callback API; each completion
// records its latency and, unless stopping, immediately issues the next call. Health mode: the same
// with grpc.health.v1.Health/Check (an empty request), the floor of any unary RPC on the server.

#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "load_connection.h"

namespace fleetgate::bench {

namespace {

using Clock = std::chrono::steady_clock;

class UnaryConnection : public LoadConnection {
 public:
  UnaryConnection(ConnectionSetup setup, bool health)
      : setup_(std::move(setup)),
        health_(health ? std::make_unique<grpc::GenericStub>(setup_.channel) : nullptr) {}

  void Start() override {
    if (setup_.paced) return;  // calls start when offered
    outstanding_.store(setup_.window);
    for (size_t i = 0; i < setup_.window; ++i) Issue();
  }

  bool Offer() override {
    size_t outstanding = outstanding_.load();
    do {
      if (stopping_.load() || outstanding >= setup_.window) return false;
    } while (!outstanding_.compare_exchange_weak(outstanding, outstanding + 1));
    Issue();
    return true;
  }

  void Stop() override { stopping_.store(true); }

  bool WaitDrained(std::chrono::milliseconds deadline) override {
    std::unique_lock<std::mutex> lock(mutex_);
    // Every call carries its own deadline, so an unbounded second wait still ends.
    bool drained = drained_.wait_for(lock, deadline, [&] { return outstanding_.load() == 0; });
    drained_.wait(lock, [&] { return outstanding_.load() == 0; });
    return drained;
  }

 private:
  struct Call {
    grpc::ClientContext context;
    v1::ReportResponse response;
    grpc::ByteBuffer health_response;
    Clock::time_point started;
  };

  void Issue() {
    size_t next = next_.fetch_add(1, std::memory_order_relaxed) % setup_.batches.size();
    auto* call = new Call;
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    AddToken(call->context, setup_.token);
    call->started = Clock::now();
    if (health_ != nullptr) {
      health_->UnaryCall(&call->context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                         &health_request_, &call->health_response,
                         [this, call](grpc::Status status) { Complete(call, status); });
      return;
    }
    setup_.stub->async()->Report(&call->context, setup_.batches[next], &call->response,
                                 [this, call](grpc::Status status) { Complete(call, status); });
  }

  void Complete(Call* call, const grpc::Status& status) {
    if (status.ok()) {
      setup_.counters->RecordResponse(call->response, Clock::now() - call->started);
    } else {
      setup_.counters->RecordFailure();
    }
    delete call;
    if (!stopping_.load() && !setup_.paced) {
      Issue();
      return;
    }
    if (outstanding_.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      drained_.notify_all();
    }
  }

  ConnectionSetup setup_;
  std::unique_ptr<grpc::GenericStub> health_;  // set in health mode
  const grpc::Slice empty_{std::string()};
  const grpc::ByteBuffer health_request_{&empty_, 1};  // an empty HealthCheckRequest, shared
  std::atomic<size_t> next_{0};
  std::atomic<size_t> outstanding_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable drained_;
};

}  // namespace

std::unique_ptr<LoadConnection> MakeUnaryConnection(ConnectionSetup setup) {
  return std::make_unique<UnaryConnection>(std::move(setup), false);
}

std::unique_ptr<LoadConnection> MakeHealthConnection(ConnectionSetup setup) {
  return std::make_unique<UnaryConnection>(std::move(setup), true);
}

}  // namespace fleetgate::bench
