#pragma once
// The opaque history cursor: the (time, id) key of the last row of a page, for keyset
// pagination. Pure functions, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleetgate::storage {

struct CursorKey {
  int64_t time_ms = 0;
  int64_t id = 0;
};

std::string EncodeCursor(CursorKey key);
// nullopt unless `text` came from EncodeCursor.
std::optional<CursorKey> DecodeCursor(std::string_view text);

}  // namespace fleetgate::storage
