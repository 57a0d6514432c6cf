#pragma once
// Whether the test binary runs under AddressSanitizer (make asan) and the memory a bound on what
// code keeps is checked against. In a plain build that is the resident set. Under ASan the
// resident set also holds the quarantine of freed blocks (up to 256 MiB by default), redzones and
// shadow memory, none of which the code under test keeps: there the bound is checked against the
// live heap, as the sanitizer's allocator counts it. The bound itself stays the same.

#include <fstream>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
#define FLEETGATE_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLEETGATE_TEST_ASAN 1
#endif
#endif

#include <cstddef>

#ifdef FLEETGATE_TEST_ASAN
// The sanitizer runtime's own count (declared in <sanitizer/allocator_interface.h>, which GCC's
// packages do not ship).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace fleetgate::testing {

#ifdef FLEETGATE_TEST_ASAN
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif

// The process's resident set in KiB (VmRSS); 0 when unreadable.
inline long ResidentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// What the process holds, in KiB: the live heap under ASan, the resident set otherwise. Compare
// two readings of the same process, never a reading with a fixed size.
inline long HeldKiB() {
#ifdef FLEETGATE_TEST_ASAN
  return static_cast<long>(__sanitizer_get_current_allocated_bytes() / 1024);
#else
  return ResidentKiB();
#endif
}

}  // namespace fleetgate::testing
