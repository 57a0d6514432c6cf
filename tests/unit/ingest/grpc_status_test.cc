#include "ingest/grpc_status.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace fleetgate::ingest {
namespace {

TEST(ToGrpcStatusTest, MapsEveryErrorCodeToItsGrpcCode) {
  const std::vector<std::pair<ErrorCode, grpc::StatusCode>> expected{
      {ErrorCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {ErrorCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
      {ErrorCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
      {ErrorCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
      {ErrorCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
      {ErrorCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {ErrorCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {ErrorCode::kInternal, grpc::StatusCode::INTERNAL},
  };
  for (const auto& [code, grpc_code] : expected) {
    grpc::Status status = ToGrpcStatus(MakeError(code, "went wrong"));
    EXPECT_EQ(status.error_code(), grpc_code) << CodeName(code);
    EXPECT_EQ(ToGrpcCode(code), grpc_code) << CodeName(code);
    EXPECT_EQ(status.error_message(), "went wrong") << CodeName(code);
  }
}

TEST(ToGrpcStatusTest, PrefixesTheFieldWhenTheMessageDoesNotNameIt) {
  grpc::Status status =
      ToGrpcStatus(MakeError(ErrorCode::kInvalidArgument, "is required", "source.service"));
  EXPECT_EQ(status.error_message(), "source.service: is required");
}

TEST(ToGrpcStatusTest, KeepsAMessageThatAlreadyNamesTheField) {
  grpc::Status status = ToGrpcStatus(
      MakeError(ErrorCode::kInvalidArgument, "source.service is required", "source.service"));
  EXPECT_EQ(status.error_message(), "source.service is required");
}

TEST(ToGrpcStatusTest, AnOkStatusIsGrpcOk) {
  EXPECT_TRUE(ToGrpcStatus(Status::Ok()).ok());
  EXPECT_FALSE(ToGrpcStatus(Status(MakeError(ErrorCode::kUnavailable, "draining"))).ok());
}

}  // namespace
}  // namespace fleetgate::ingest
