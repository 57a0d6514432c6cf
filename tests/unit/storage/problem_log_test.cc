#include "storage/problem_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fleetgate::storage {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

class ProblemLogTest : public ::testing::Test {
 protected:
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(TimePoint(seconds(100)));
  std::vector<std::string> lines_;
  ProblemLog log_{clock_, seconds(10), [this](const std::string& line) { lines_.push_back(line); }};
};

TEST_F(ProblemLogTest, LogsTheFirstProblemAtOnceWithItsSqliteError) {
  log_.Error("write", "database or disk is full");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_THAT(lines_[0], HasSubstr("1 error(s)"));
  EXPECT_THAT(lines_[0], HasSubstr("database or disk is full"));
}

TEST_F(ProblemLogTest, LogsAtMostOneLinePerIntervalWithTheCountsSinceTheLastLine) {
  log_.Error("write", "disk I/O error");
  for (int i = 0; i < 25; ++i) log_.Error("write", "database or disk is full");
  log_.Dropped("the write queue is full", 3716);
  EXPECT_EQ(lines_.size(), 1u);
  clock_->Advance(seconds(10));
  log_.Dropped("a write failed after its retries", 4);
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_THAT(lines_[1], HasSubstr("25 error(s) and 3720 dropped write(s)"));
  EXPECT_THAT(lines_[1], HasSubstr("database or disk is full"));
  EXPECT_THAT(lines_[1], HasSubstr("a write failed after its retries"));
}

}  // namespace
}  // namespace fleetgate::storage
