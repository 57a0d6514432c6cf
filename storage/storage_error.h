#pragma once
// The errors storage returns, with the machine-readable reasons the REST API reports for them
// (docs/api.md): a bad query parameter, and a database that cannot answer. Pure functions.

#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"

namespace fleetgate::storage {

inline constexpr std::string_view kInvalidParameter = "invalid_parameter";
inline constexpr std::string_view kStorageUnavailable = "storage_unavailable";

// The caller's query is wrong: `field` names the parameter.
inline Error InvalidParameter(std::string field, std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), std::move(field),
                   kInvalidParameter);
}

// The database could not answer (busy, I/O error, a stopped writer).
inline Error Unavailable(std::string message) {
  return MakeError(ErrorCode::kUnavailable, std::move(message), {}, kStorageUnavailable);
}

}  // namespace fleetgate::storage
