#include "guard/grpc_port_guard.h"

#include <spdlog/spdlog.h>

namespace fleetgate::guard {

GrpcPortGuard::GrpcPortGuard(GuardOptions options, prometheus::Registry& registry,
                             std::shared_ptr<const Clock> clock)
    : options_(options),
      metrics_(registry),
      table_(metrics_),
      acceptor_({options.max_connections, options.max_connections_per_peer}, table_, metrics_),
      watchdog_(options, table_, metrics_, clock),
      self_check_(options, &table_, clock) {}

void GrpcPortGuard::Start(grpc::Server* server, int port) {
  acceptor_.Start(server);
  watchdog_.Start();
  self_check_.Start(port);
  spdlog::info(
      "gRPC port guard: at most {} connections ({} per peer), shedding above {} MiB resident",
      options_.max_connections, options_.max_connections_per_peer,
      watchdog_.threshold_bytes() >> 20);
}

void GrpcPortGuard::StopAccepting() {
  self_check_.Stop();
  acceptor_.Stop();
}

void GrpcPortGuard::Stop() {
  StopAccepting();
  watchdog_.Stop();
}

std::string GrpcPortGuard::NotReadyReason() const {
  if (watchdog_.shedding()) return "resident memory above guard.memory_shed_bytes";
  if (!acceptor_.accepting()) return "out of descriptors: refusing gRPC connections";
  if (!self_check_.ready()) return "gRPC self-check failing: " + self_check_.last_error();
  return "";
}

std::string GrpcPortGuard::NotAliveReason() const {
  return self_check_.alive() ? "" : "gRPC port has not answered: " + self_check_.last_error();
}

}  // namespace fleetgate::guard
