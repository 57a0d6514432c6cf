#pragma once
// Hexadecimal digits, for the parsers of untrusted text (URL escapes, chunk sizes, digests).
// Pure functions; thread-safe.

namespace fleetgate {

// The value of one hex digit (either case), or -1 when `c` is not one.
constexpr int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace fleetgate
