#pragma once
// The storage errors the PostgreSQL backend returns, in one place: the only lines to adapt when
// storage's error type changes. Pure functions.

#include <string>
#include <utility>

#include "storage/result.h"

namespace fleetgate::storage {

inline Error PgUnavailable(std::string message) {
  return Error{ErrorCode::kUnavailable, std::move(message)};
}
inline Error PgNotFound(std::string message) {
  return Error{ErrorCode::kNotFound, std::move(message)};
}
inline Error PgConflict(std::string message) {
  return Error{ErrorCode::kConflict, std::move(message)};
}
inline Error PgInvalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

}  // namespace fleetgate::storage
