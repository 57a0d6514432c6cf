#include "core/error.h"

#include <gtest/gtest.h>

namespace fleetgate {
namespace {

TEST(ErrorTest, ReasonDefaultsToTheCodesName) {
  Error error = MakeError(ErrorCode::kNotFound, "no rule named x");
  EXPECT_EQ(error.Reason(), "not_found");
  EXPECT_EQ(error.Describe(), "no rule named x");
}

TEST(ErrorTest, AnExplicitReasonAndFieldAreKept) {
  Error error =
      MakeError(ErrorCode::kInvalidArgument, "must end in _total", "name", "invalid_name");
  EXPECT_EQ(error.Reason(), "invalid_name");
  EXPECT_EQ(error.Describe(), "name: must end in _total");
}

TEST(ResultTest, HoldsAValueOrAnError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.value(), 7);
  Result<int> bad = MakeError(ErrorCode::kUnavailable, "database is locked");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kUnavailable);
}

TEST(StatusTest, IsOkUnlessGivenAnError) {
  EXPECT_TRUE(Status::Ok().ok());
  Status failed = MakeError(ErrorCode::kAlreadyExists, "rule exists");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().Reason(), "already_exists");
}

}  // namespace
}  // namespace fleetgate
