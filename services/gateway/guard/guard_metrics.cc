#include "guard/guard_metrics.h"

namespace fleetgate::guard {

GuardMetrics::GuardMetrics(prometheus::Registry& registry)
    : refused_(prometheus::BuildCounter()
                   .Name("fleetgate_grpc_connections_refused_total")
                   .Help("gRPC connections closed at accept, by reason")
                   .Register(registry)),
      shed_(prometheus::BuildCounter()
                .Name("fleetgate_grpc_connections_shed_total")
                .Help("open gRPC connections shut down by the guard, by reason")
                .Register(registry)),
      open_(prometheus::BuildGauge()
                .Name("fleetgate_grpc_connections_open")
                .Help("gRPC connections accepted and not yet closed")
                .Register(registry)
                .Add({})),
      memory_shedding_(prometheus::BuildGauge()
                           .Name("fleetgate_memory_shedding")
                           .Help("1 while resident memory is above guard.memory_shed_bytes")
                           .Register(registry)
                           .Add({})) {
  // Every reason is exported from the start, at zero.
  for (const char* reason : {"connection_limit", "peer_limit", "descriptors"}) {
    refused_.Add({{"reason", reason}});
  }
  for (const char* reason : {"memory", "silent", "slow"}) shed_.Add({{"reason", reason}});
}

void GuardMetrics::Refused(const std::string& reason) {
  refused_.Add({{"reason", reason}}).Increment();
}
void GuardMetrics::Shed(const std::string& reason) { shed_.Add({{"reason", reason}}).Increment(); }

}  // namespace fleetgate::guard
