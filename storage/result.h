#pragma once
// Result<T>: a value or an Error, returned by storage calls on the request path (bad cursor,
// database unavailable, unknown or duplicate name) instead of throwing. A plain value type;
// not synchronised.

#include <string>
#include <utility>
#include <variant>

namespace fleetgate::storage {

enum class ErrorCode {
  kInvalidArgument,  // the caller's fault (bad cursor, limit out of range): HTTP 400
  kUnavailable,      // the database could not answer (busy, I/O error): HTTP 503
  kNotFound,         // no such row (an unknown rule name): HTTP 404
  kConflict,         // the row exists already (a duplicate rule name): HTTP 409
};

struct Error {
  ErrorCode code;
  std::string message;
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace fleetgate::storage
