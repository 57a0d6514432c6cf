#pragma once
// The one mapping of a fleetgate::Error to the gRPC status an ingest RPC fails with. The status
// message names the field (unless the message already starts with it); the code carries the rest.
// Pure functions, thread-safe.

#include <grpcpp/support/status.h>

#include "core/error.h"

namespace fleetgate::ingest {

// kInvalidArgument -> INVALID_ARGUMENT, kNotFound -> NOT_FOUND, kAlreadyExists -> ALREADY_EXISTS,
// kFailedPrecondition -> FAILED_PRECONDITION, kUnauthenticated -> UNAUTHENTICATED,
// kPermissionDenied -> PERMISSION_DENIED, kResourceExhausted -> RESOURCE_EXHAUSTED,
// kUnavailable -> UNAVAILABLE, kInternal -> INTERNAL.
grpc::StatusCode ToGrpcCode(ErrorCode code);
grpc::Status ToGrpcStatus(const Error& error);
// OK for an OK status.
grpc::Status ToGrpcStatus(const Status& status);

}  // namespace fleetgate::ingest
