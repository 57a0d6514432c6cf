#pragma once
// GrpcPortGuard: everything that protects the plaintext gRPC port where gRPC 1.51 cannot — our
// own acceptor with connection caps, the memory watchdog and the self-check — behind one
// Bind/Start/Stop, plus the readiness and liveness it reports. Bind, Start and Stop from one
// thread (Stop idempotent); the probe accessors are thread-safe.

#include <grpcpp/server.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "guard/connection_table.h"
#include "guard/grpc_self_check.h"
#include "guard/guard_metrics.h"
#include "guard/guard_options.h"
#include "guard/memory_watchdog.h"
#include "guard/plaintext_acceptor.h"

namespace fleetgate::guard {

class GrpcPortGuard {
 public:
  GrpcPortGuard(GuardOptions options, prometheus::Registry& registry,
                std::shared_ptr<const Clock> clock);
  int Bind(const std::string& address) { return acceptor_.Bind(address); }
  void Start(grpc::Server* server, int port);
  // Stops accepting and the self-check (from now on the port refuses on purpose, which the check
  // would log as a failure); connections already open stay with gRPC until its own Shutdown.
  void StopAccepting();
  void Stop();

  // Empty when fine, else why not.
  std::string NotReadyReason() const;
  std::string NotAliveReason() const;

 private:
  const GuardOptions options_;
  GuardMetrics metrics_;
  ConnectionTable table_;
  PlaintextAcceptor acceptor_;
  MemoryWatchdog watchdog_;
  GrpcSelfCheck self_check_;
};

}  // namespace fleetgate::guard
