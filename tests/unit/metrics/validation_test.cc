#include "metrics/validation.h"

#include <gtest/gtest.h>

#include <string>

namespace fleetgate::metrics {
namespace {

TEST(ValidationTest, AcceptsPrometheusNames) {
  EXPECT_TRUE(IsValidMetricName("http_requests_total"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m"));
  EXPECT_TRUE(IsValidMetricName("_x9"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("9lives"));
  EXPECT_FALSE(IsValidMetricName("with-dash"));
  EXPECT_FALSE(IsValidMetricName("with space"));
  EXPECT_TRUE(IsValidLabelName("path"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(ValidationTest, RejectsReservedMetricNames) {
  EXPECT_EQ(CheckMetricName("__secret").reason, reason::kReservedName);
  EXPECT_EQ(CheckMetricName("fleetgate_events_accepted_total").reason, reason::kReservedName);
  EXPECT_EQ(CheckMetricName("bad name").reason, reason::kInvalidName);
  EXPECT_TRUE(CheckMetricName("queue_depth").ok());
}

TEST(ValidationTest, ValidatesUtf8) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("z\xC3\xBCrich \xE2\x82\xAC \xF0\x9F\x9A\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(ValidationTest, ChecksEveryLabelRule) {
  LabelLimits limits;
  limits.max_label_name_bytes = 8;
  limits.max_label_value_bytes = 4;
  EXPECT_TRUE(CheckLabel("path", "/a", limits).ok());
  EXPECT_EQ(CheckLabel("waytoolongname", "x", limits).reason, reason::kLabelNameTooLong);
  EXPECT_EQ(CheckLabel("bad-name", "x", limits).reason, reason::kInvalidLabelName);
  EXPECT_EQ(CheckLabel("", "x", limits).reason, reason::kInvalidLabelName);
  EXPECT_EQ(CheckLabel("service", "x", limits).reason, reason::kReservedLabel);
  EXPECT_EQ(CheckLabel("instance", "x", limits).reason, reason::kReservedLabel);
  EXPECT_EQ(CheckLabel("__name__", "x", limits).reason, reason::kReservedLabel);
  EXPECT_EQ(CheckLabel("le", "x", limits).reason, reason::kReservedLabel);
  EXPECT_EQ(CheckLabel("path", "12345", limits).reason, reason::kValueTooLong);
  EXPECT_EQ(CheckLabel("path", "\xFF", limits).reason, reason::kInvalidUtf8);
}

TEST(ValidationTest, MessagesNameTheOffender) {
  auto outcome = CheckLabel("bad-name", "x", LabelLimits{});
  EXPECT_NE(outcome.message.find("bad-name"), std::string::npos);
}

}  // namespace
}  // namespace fleetgate::metrics
