#include "guard/descriptor_limit.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>

namespace fleetgate::guard {

size_t RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
      spdlog::info("descriptor limit raised from {} to {}", before, limit.rlim_cur);
    } else {
      getrlimit(RLIMIT_NOFILE, &limit);
    }
  }
  return static_cast<size_t>(std::min<rlim_t>(limit.rlim_cur, 1 << 20));
}

GuardOptions WithDerivedCaps(GuardOptions options, size_t descriptor_limit) {
  constexpr size_t kReserved = 64;
  const size_t usable = descriptor_limit > kReserved * 2 ? descriptor_limit - kReserved : kReserved;
  if (options.max_connections == 0) options.max_connections = std::max<size_t>(usable / 3, 16);
  if (options.max_connections_per_peer == 0) {
    options.max_connections_per_peer = std::max<size_t>(options.max_connections / 2, 8);
  }
  return options;
}

}  // namespace fleetgate::guard
