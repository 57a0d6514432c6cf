#pragma once
// Error, Result<T> and Status: the one way fleetgate reports a failure on the request path
// (storage, alerts, ingest, api). An Error has a code, a human message, the input field it is
// about (if any) and a machine-readable reason; it is mapped once to a gRPC status
// (ingest/grpc_status.h) and once to an HTTP status with the JSON error body (http/message.h).
// Exceptions stay at start-up. Plain value types; not synchronised.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace fleetgate {

enum class ErrorCode {
  kInvalidArgument,     // the caller's input is wrong: gRPC INVALID_ARGUMENT, HTTP 400
  kNotFound,            // no such thing: NOT_FOUND, 404
  kAlreadyExists,       // it exists already: ALREADY_EXISTS, 409
  kFailedPrecondition,  // not in a state that allows it (a read-only rule): FAILED_PRECONDITION,
                        // 409
  kUnauthenticated,     // no or unknown credential: UNAUTHENTICATED, 401
  kPermissionDenied,    // a credential without the right: PERMISSION_DENIED, 403
  kResourceExhausted,   // a limit or quota: RESOURCE_EXHAUSTED, 413/429
  kUnavailable,         // try again later (busy database, overload): UNAVAILABLE, 503
  kInternal,            // a bug or an unexpected failure: INTERNAL, 500
};

// The default machine-readable reason of a code: "invalid_argument", "not_found", ...
std::string_view CodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;        // the input field it is about ("labels.service"); may be empty
  std::string_view reason;  // machine-readable; empty means CodeName(code). Static storage only.

  std::string_view Reason() const { return reason.empty() ? CodeName(code) : reason; }
  // "field: message", or the message alone.
  std::string Describe() const { return field.empty() ? message : field + ": " + message; }
};

inline Error MakeError(ErrorCode code, std::string message, std::string field = {},
                       std::string_view reason = {}) {
  return Error{code, std::move(message), std::move(field), reason};
}

// A value or an Error.
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

// Success, or an Error.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  static Status Ok() { return {}; }
  bool ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace fleetgate
