#include "core/backoff.h"

#include <algorithm>

namespace fleetgate {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, uint64_t seed)
    : initial_(std::max(initial, std::chrono::milliseconds(1))),
      max_(std::max(max, initial_)),
      random_(seed != 0 ? seed : std::random_device{}()) {}

std::chrono::milliseconds Backoff::Next() {
  int64_t bound = initial_.count();
  for (int i = 0; i < attempts_ && bound < max_.count(); ++i) bound *= 2;
  bound = std::min(bound, static_cast<int64_t>(max_.count()));
  ++attempts_;
  std::uniform_int_distribution<int64_t> jitter(bound / 2, bound);
  return std::chrono::milliseconds(jitter(random_));
}

}  // namespace fleetgate
