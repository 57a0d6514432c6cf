#pragma once
// The storage errors the PostgreSQL backend returns, in one place, with the same codes and
// reasons as SQLite's (storage/storage_error.h, storage/rule_store.cc). Pure functions.

#include <string>
#include <utility>

#include "core/error.h"
#include "storage/storage_error.h"

namespace fleetgate::storage {

inline Error PgUnavailable(std::string message) { return Unavailable(std::move(message)); }
inline Error PgNotFound(std::string message) {
  return MakeError(ErrorCode::kNotFound, std::move(message), {}, "rule_not_found");
}
inline Error PgConflict(std::string message) {
  return MakeError(ErrorCode::kAlreadyExists, std::move(message), {}, "rule_exists");
}
inline Error PgInvalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), {}, kInvalidParameter);
}

}  // namespace fleetgate::storage
