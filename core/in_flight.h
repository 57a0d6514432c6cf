#pragma once
// InFlight counts one unit of work (a batch, an export) in flight for as long as it lives, so a
// processor can refuse work beyond its bound and wait for the rest when draining. The counter is
// atomic; one InFlight belongs to one thread.

#include <atomic>
#include <cstddef>

namespace fleetgate {

class InFlight {
 public:
  explicit InFlight(std::atomic<size_t>& counter) : counter_(counter), count_(++counter) {}
  ~InFlight() { --counter_; }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  // How many were in flight, this one included, when it started.
  size_t count() const { return count_; }

 private:
  std::atomic<size_t>& counter_;
  size_t count_;
};

}  // namespace fleetgate
