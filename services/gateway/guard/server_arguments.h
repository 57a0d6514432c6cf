#pragma once
// The gRPC 1.51 server arguments that bound one client: streams, metadata, handshake, idle and
// age limits, keepalive enforcement and the ResourceQuota; and the guard.* keys. Stateless.

#include <grpcpp/server_builder.h>

#include "config/config.h"
#include "guard/guard_options.h"

namespace fleetgate::guard {

void ApplyServerArguments(const config::Config& config, grpc::ServerBuilder& builder);

// The guard.* keys as GuardOptions (caps not yet derived: see WithDerivedCaps).
GuardOptions GuardOptionsFrom(const config::Config& config);

}  // namespace fleetgate::guard
