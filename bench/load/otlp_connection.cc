// OTLP mode: `window` concurrent MetricsService/Export calls on one channel via the callback API,
// like unary mode, but over batches the connection owns. Free batches wait in a FIFO: a completed
// call returns its batch to the back and the next call takes the front, so every batch is sent in
// turn and none is in flight twice. Each send first advances the batch (values and timestamps
// grow), which is safe because nothing else holds it then. Paced (--rate), a call is issued only
// when the pacer offers one, and an answer frees its slot instead of sending again.

#include "otlp_connection.h"

#include <algorithm>
#include <deque>
#include <mutex>

#include "call_window.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"

namespace fleetgate::bench {

namespace {

using Clock = std::chrono::steady_clock;
namespace collector = opentelemetry::proto::collector::metrics::v1;

// At most one call per batch in flight, so a free batch is always there when one is issued.
class OtlpConnection : public WindowedConnection {
 public:
  OtlpConnection(ConnectionSetup setup, std::vector<OtlpBatch> batches)
      : WindowedConnection(std::min(setup.window, batches.size()), setup.paced),
        setup_(std::move(setup)),
        stub_(collector::MetricsService::NewStub(setup_.channel)),
        batches_(std::move(batches)) {
    for (size_t i = 0; i < batches_.size(); ++i) free_.push_back(i);
  }

 private:
  struct Call {
    size_t batch = 0;
    grpc::ClientContext context;
    collector::ExportMetricsServiceResponse response;
    Clock::time_point started;
  };

  void Issue() override {
    auto* call = new Call;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      call->batch = free_.front();  // never empty: at most `window` <= batches are in flight
      free_.pop_front();
    }
    OtlpBatch& batch = batches_[call->batch];
    batch.Advance();
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    AddToken(call->context, setup_.token);
    call->started = Clock::now();
    stub_->async()->Export(&call->context, &batch.request, &call->response,
                           [this, call](grpc::Status status) { Complete(call, status); });
  }

  void Complete(Call* call, const grpc::Status& status) {
    if (status.ok()) {
      const uint64_t points = batches_[call->batch].points.size();
      const uint64_t rejected = std::min<uint64_t>(
          points, static_cast<uint64_t>(std::max<int64_t>(
                      0, call->response.partial_success().rejected_data_points())));
      setup_.counters->RecordAnswer(points - rejected, rejected, Clock::now() - call->started);
    } else {
      setup_.counters->RecordFailure();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      free_.push_back(call->batch);
    }
    delete call;
    Answered();
  }

  ConnectionSetup setup_;
  std::unique_ptr<collector::MetricsService::Stub> stub_;
  std::vector<OtlpBatch> batches_;
  std::mutex mutex_;         // guards free_
  std::deque<size_t> free_;  // batches not in flight, in the order they are to be sent
};

}  // namespace

std::unique_ptr<LoadConnection> MakeOtlpConnection(ConnectionSetup setup,
                                                   std::vector<OtlpBatch> batches) {
  return std::make_unique<OtlpConnection>(std::move(setup), std::move(batches));
}

}  // namespace fleetgate::bench
