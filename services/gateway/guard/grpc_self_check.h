#pragma once
// GrpcSelfCheck: every guard.self_check_interval, opens a new connection to the gateway's own
// gRPC port and calls grpc.health.v1.Health/Check, so readiness and liveness say whether the port
// really answers (a listener that stopped accepting, a flood that starves everyone). A slow or
// failed check also sheds the busiest connection. Thread-safe.

#include <atomic>
#include <memory>
#include <string>

#include "core/periodic_worker.h"
#include "guard/connection_table.h"
#include "guard/guard_options.h"

namespace fleetgate::guard {

class GrpcSelfCheck {
 public:
  GrpcSelfCheck(const GuardOptions& options, ConnectionTable* table,
                std::shared_ptr<const Clock> clock);
  void Start(int port);
  void Stop() { worker_.Stop(); }

  // False after self_check_failures consecutive failed checks.
  bool ready() const;
  // False when no check succeeded for self_check_liveness_after.
  bool alive() const;
  std::string last_error() const;

 private:
  void Check();
  bool CallHealthCheck(std::string* error);

  const GuardOptions options_;
  ConnectionTable* const table_;  // null: nothing to shed (gRPC owns the listener)
  const std::shared_ptr<const Clock> clock_;
  int port_ = 0;
  std::atomic<size_t> consecutive_failures_{0};
  std::atomic<int64_t> last_success_ns_{0};
  mutable std::mutex error_mu_;
  std::string last_error_;
  PeriodicWorker worker_;
};

}  // namespace fleetgate::guard
