#include "metrics/validation.h"

#include <gtest/gtest.h>

#include <string>

namespace fleetgate::metrics {
namespace {

// The reason of a refused input, "ok" when it was accepted.
std::string_view ReasonOf(const Status& status) {
  return status.ok() ? std::string_view("ok") : status.error().Reason();
}

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
  EXPECT_EQ(ReasonOf(CheckMetricName("__secret")), reason::kReservedName);
  EXPECT_EQ(ReasonOf(CheckMetricName("fleetgate_events_accepted_total")), reason::kReservedName);
  EXPECT_EQ(ReasonOf(CheckMetricName("bad name")), reason::kInvalidName);
  EXPECT_TRUE(CheckMetricName("queue_depth").ok());
  EXPECT_EQ(ReasonOf(CheckMetricName("process_open_fds")), reason::kReservedName);
  EXPECT_EQ(ReasonOf(CheckMetricName(std::string(257, 'a'))), reason::kNameTooLong);
  EXPECT_TRUE(CheckMetricName(std::string(256, 'a')).ok());
  EXPECT_EQ(ReasonOf(CheckMetricName("abcd", 3)), reason::kNameTooLong);
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
  EXPECT_EQ(ReasonOf(CheckLabel("waytoolongname", "x", limits)), reason::kLabelNameTooLong);
  EXPECT_EQ(ReasonOf(CheckLabel("bad-name", "x", limits)), reason::kInvalidLabelName);
  EXPECT_EQ(ReasonOf(CheckLabel("", "x", limits)), reason::kInvalidLabelName);
  EXPECT_EQ(ReasonOf(CheckLabel("service", "x", limits)), reason::kReservedLabel);
  EXPECT_EQ(ReasonOf(CheckLabel("instance", "x", limits)), reason::kReservedLabel);
  EXPECT_EQ(ReasonOf(CheckLabel("__name__", "x", limits)), reason::kReservedLabel);
  EXPECT_EQ(ReasonOf(CheckLabel("le", "x", limits)), reason::kReservedLabel);
  EXPECT_EQ(ReasonOf(CheckLabel("job", "x", limits)), reason::kReservedLabel);
  EXPECT_EQ(ReasonOf(CheckLabel("path", "12345", limits)), reason::kValueTooLong);
  EXPECT_EQ(ReasonOf(CheckLabel("path", "\xFF", limits)), reason::kInvalidUtf8);
}

TEST(ValidationTest, MessagesNameTheOffender) {
  Status outcome = CheckLabel("bad-name", "x", LabelLimits{});
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.error().message.find("bad-name"), std::string::npos);
}

}  // namespace
}  // namespace fleetgate::metrics
