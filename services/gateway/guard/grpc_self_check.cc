#include "guard/grpc_self_check.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <spdlog/spdlog.h>

#include <future>

namespace fleetgate::guard {
namespace {

int64_t Nanos(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

GrpcSelfCheck::GrpcSelfCheck(const GuardOptions& options, ConnectionTable* table,
                             std::shared_ptr<const Clock> clock)
    : options_(options),
      table_(table),
      clock_(clock),
      worker_("grpc-self-check", clock, options.self_check_interval,
              [this](TimePoint) { Check(); }) {}

void GrpcSelfCheck::Start(int port) {
  port_ = port;
  last_success_ns_ = Nanos(clock_->Now());
  worker_.Start();
}

void GrpcSelfCheck::Check() {
  std::string error;
  const auto start = std::chrono::steady_clock::now();
  const bool ok = CallHealthCheck(&error);
  const auto took = std::chrono::steady_clock::now() - start;
  if (ok) {
    if (consecutive_failures_.exchange(0) >= options_.self_check_failures) {
      spdlog::info("gRPC self-check answers again");
    }
    last_success_ns_ = Nanos(clock_->Now());
  } else {
    if (++consecutive_failures_ == options_.self_check_failures) {
      spdlog::error("gRPC self-check failed {} times in a row ({}): not ready",
                    options_.self_check_failures, error);
    }
    std::lock_guard<std::mutex> lock(error_mu_);
    last_error_ = error;
  }
  // A normal client waited this long too: the busiest connection makes room.
  if (table_ && (!ok || took > options_.self_check_timeout / 2)) table_->ShedHeaviest("slow");
}

// A new channel each time (its own subchannel pool), so the check goes through accept.
bool GrpcSelfCheck::CallHealthCheck(std::string* error) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port_),
                                           grpc::InsecureChannelCredentials(), args);
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.self_check_timeout);
  grpc::Slice empty{std::string()};  // an empty HealthCheckRequest: the whole server
  grpc::ByteBuffer request(&empty, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(status); });
  grpc::Status status = done.get_future().get();
  if (status.ok()) return true;
  *error = "Health/Check: " + status.error_message();
  return false;
}

bool GrpcSelfCheck::ready() const {
  return consecutive_failures_.load() < options_.self_check_failures;
}

bool GrpcSelfCheck::alive() const {
  const auto since = clock_->Now() - TimePoint(std::chrono::nanoseconds(last_success_ns_.load()));
  return since < options_.self_check_liveness_after;
}

std::string GrpcSelfCheck::last_error() const {
  std::lock_guard<std::mutex> lock(error_mu_);
  return last_error_;
}

}  // namespace fleetgate::guard
