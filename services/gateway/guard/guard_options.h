#pragma once
// GuardOptions: the limits of the gRPC port guard (config keys guard.*). Plain data.

#include <chrono>
#include <cstddef>

namespace fleetgate::guard {

struct GuardOptions {
  size_t max_connections = 0;           // 0: derived from RLIMIT_NOFILE
  size_t max_connections_per_peer = 0;  // 0: half of max_connections
  std::chrono::milliseconds preface_timeout{10000};
  size_t memory_shed_bytes = 0;  // 0: 75% of the cgroup memory limit, else 1 GiB
  std::chrono::milliseconds watchdog_interval{100};
  std::chrono::milliseconds self_check_interval{5000};
  std::chrono::milliseconds self_check_timeout{2000};
  size_t self_check_failures = 3;  // consecutive failures before readiness fails
  std::chrono::milliseconds self_check_liveness_after{60000};
};

}  // namespace fleetgate::guard
