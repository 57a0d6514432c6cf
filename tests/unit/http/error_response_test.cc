#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "http/message.h"

namespace fleetgate::http {
namespace {

using nlohmann::json;

struct Mapping {
  ErrorCode code;
  std::string_view reason;  // empty: the code's own name
  int status;
  std::string expected_code;
};

class ErrorResponseTest : public testing::TestWithParam<Mapping> {};

TEST_P(ErrorResponseTest, MapsTheCodeToItsStatusAndTheDocumentedBody) {
  const Mapping& m = GetParam();
  Response response = ErrorResponse(MakeError(m.code, "what went wrong", {}, m.reason));
  EXPECT_EQ(response.status, m.status);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(json::parse(response.body),
            json({{"error", {{"code", m.expected_code}, {"message", "what went wrong"}}}}));
}

INSTANTIATE_TEST_SUITE_P(
    EveryCode, ErrorResponseTest,
    testing::Values(
        Mapping{ErrorCode::kInvalidArgument, "", 400, "invalid_argument"},
        Mapping{ErrorCode::kInvalidArgument, "invalid_json", 400, "invalid_json"},
        Mapping{ErrorCode::kNotFound, "rule_not_found", 404, "rule_not_found"},
        Mapping{ErrorCode::kAlreadyExists, "rule_exists", 409, "rule_exists"},
        Mapping{ErrorCode::kFailedPrecondition, "rule_read_only", 409, "rule_read_only"},
        Mapping{ErrorCode::kUnauthenticated, "", 401, "unauthenticated"},
        Mapping{ErrorCode::kPermissionDenied, "", 403, "permission_denied"},
        Mapping{ErrorCode::kResourceExhausted, "", 429, "resource_exhausted"},
        Mapping{ErrorCode::kResourceExhausted, "payload_too_large", 413, "payload_too_large"},
        Mapping{ErrorCode::kResourceExhausted, "headers_too_large", 431, "headers_too_large"},
        Mapping{ErrorCode::kUnavailable, "storage_unavailable", 503, "storage_unavailable"},
        Mapping{ErrorCode::kInternal, "", 500, "internal"}));

TEST(ErrorResponseFieldTest, AFieldErrorNamesTheFieldAndTheReasonBesideTheMessage) {
  Response response =
      ErrorResponse(MakeError(ErrorCode::kInvalidArgument, "must be one of sum, avg",
                              "metric.aggregation", "invalid_rule"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body),
            json({{"error",
                   {{"code", "invalid_rule"},
                    {"message", "metric.aggregation: must be one of sum, avg"},
                    {"field", "metric.aggregation"},
                    {"reason", "must be one of sum, avg"}}}}));
}

TEST(ErrorResponseFieldTest, OnlyAnUnauthenticatedErrorAsksForABearerToken) {
  Response unauthenticated = ErrorResponse(MakeError(ErrorCode::kUnauthenticated, "no token"));
  ASSERT_EQ(unauthenticated.headers.size(), 1u);
  EXPECT_EQ(unauthenticated.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(unauthenticated.headers[0].second, "Bearer");
  EXPECT_TRUE(ErrorResponse(MakeError(ErrorCode::kPermissionDenied, "bad token")).headers.empty());
}

TEST(ErrorResponseFieldTest, ItsBodyIsTheOneJsonErrorShape) {
  Response mapped = ErrorResponse(MakeError(ErrorCode::kNotFound, "no instance", {}, "not_found"));
  Response plain = JsonError(404, "not_found", "no instance");
  EXPECT_EQ(mapped.status, plain.status);
  EXPECT_EQ(mapped.body, plain.body);
}

}  // namespace
}  // namespace fleetgate::http
