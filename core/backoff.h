#pragma once
// Backoff: the one retry delay of fleetgate (client reconnects, Alertmanager POSTs, history
// writes, rule-store locks, database reconnects). Exponential with "equal jitter": the n-th delay
// is drawn from [d/2, d] with d = min(initial * 2^n, max), so a fleet that lost its peer does not
// come back in lockstep. Thread-compatible: one instance per retrying caller.

#include <chrono>
#include <cstdint>
#include <random>

namespace fleetgate {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, uint64_t seed = 0);

  // The delay before the next attempt; each call doubles the bound up to `max`.
  std::chrono::milliseconds Next();
  // After a success: the next delay starts from `initial` again.
  void Reset() { attempts_ = 0; }
  int attempts() const { return attempts_; }

 private:
  const std::chrono::milliseconds initial_;
  const std::chrono::milliseconds max_;
  std::mt19937_64 random_;
  int attempts_ = 0;
};

}  // namespace fleetgate
