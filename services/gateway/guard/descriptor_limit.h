#pragma once
// Start-up helpers for descriptor limits: raise the soft RLIMIT_NOFILE to the hard limit, and
// derive the connection caps that keep gRPC below it. Not thread-safe (call before serving).

#include <cstddef>

#include "guard/guard_options.h"

namespace fleetgate::guard {

// Raises the soft limit to the hard one and returns the soft limit now in force.
size_t RaiseDescriptorLimit();

// Fills max_connections (0) and max_connections_per_peer (0) from `descriptor_limit`: each
// connection costs gRPC's descriptor and our duplicate; 64 stay for the database, HTTP and logs.
GuardOptions WithDerivedCaps(GuardOptions options, size_t descriptor_limit);

}  // namespace fleetgate::guard
