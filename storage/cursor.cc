#include "storage/cursor.h"

namespace fleetgate::storage {
namespace {

constexpr char kDigits[] = "0123456789abcdef";
constexpr char kVersion = 'h';  // changes if the key ever does
constexpr size_t kHexPerValue = 16;

void AppendHex(uint64_t value, std::string& out) {
  for (int shift = 60; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 0xf];
}

std::optional<uint64_t> ParseHex(std::string_view text) {
  uint64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    value = (value << 4) | static_cast<uint64_t>(digit);
  }
  return value;
}

}  // namespace

std::string EncodeCursor(CursorKey key) {
  std::string out(1, kVersion);
  AppendHex(static_cast<uint64_t>(key.time_ms), out);
  AppendHex(static_cast<uint64_t>(key.id), out);
  return out;
}

std::optional<CursorKey> DecodeCursor(std::string_view text) {
  if (text.size() != 1 + 2 * kHexPerValue || text[0] != kVersion) return std::nullopt;
  auto time_ms = ParseHex(text.substr(1, kHexPerValue));
  auto id = ParseHex(text.substr(1 + kHexPerValue));
  if (!time_ms || !id) return std::nullopt;
  return CursorKey{static_cast<int64_t>(*time_ms), static_cast<int64_t>(*id)};
}

}  // namespace fleetgate::storage
