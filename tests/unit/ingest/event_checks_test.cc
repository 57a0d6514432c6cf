#include "ingest/event_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "ingest/batch_processor.h"
#include "ingest/label_order.h"
#include "ingest/report_view.h"

namespace fleetgate::ingest {
namespace {

using metrics::LabelView;
using std::chrono::hours;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

// The reason of a refused input, "ok" when it was accepted.
std::string_view ReasonOf(const Status& status) {
  return status.ok() ? std::string_view("ok") : status.error().Reason();
}
std::string MessageOf(const Status& status) { return status.ok() ? "" : status.error().message; }

using Labels = std::vector<std::pair<std::string, std::string>>;

v1::Source MakeSource(Labels labels = {}) {
  v1::Source source;
  source.set_service("billing");
  source.set_instance("i-1");
  source.set_version("1.2.3");
  for (auto& [name, value] : labels) (*source.mutable_labels())[name] = value;
  return source;
}

// Views of a map's labels sorted by name, as ReportView gives them.
std::vector<LabelView> Sorted(const google::protobuf::Map<std::string, std::string>& map) {
  std::vector<LabelView> labels(map.begin(), map.end());
  labels.resize(static_cast<size_t>(SortUniqueLabels(labels.data(), labels.data() + labels.size()) -
                                    labels.data()));
  return labels;
}

std::vector<LabelView> SortedLabels(const v1::Source& source) { return Sorted(source.labels()); }

// An event's label map.
google::protobuf::Map<std::string, std::string> EventLabels(const Labels& labels) {
  google::protobuf::Map<std::string, std::string> map;
  for (const auto& [name, value] : labels) map[name] = value;
  return map;
}

// The merge of the views of the event's map (`out` views into it: keep it alive).
void MergeLabels(const std::vector<LabelView>& source,
                 const google::protobuf::Map<std::string, std::string>& event,
                 std::vector<LabelView>& out) {
  ingest::MergeLabels(source, Sorted(event), out);
}

// The checks of a source and of health events, through the ReportView of a request holding them.
Status CheckSource(const v1::Source& source, const IngestOptions& options) {
  v1::ReportRequest request;
  *request.mutable_source() = source;
  ReportView view;
  view.Assign(request);
  return ingest::CheckSource(view.source(), options);
}

Status ToHealthReport(const v1::HealthEvent& event, const IngestOptions& options,
                      health::HealthReport& out) {
  v1::ReportRequest request;
  *request.add_events()->mutable_health() = event;
  ReportView view;
  view.Assign(request);
  const HealthView& health = view.events().at(0).health;
  return ingest::ToHealthReport(health, view.checks(health), options, out);
}

TEST(CheckSourceTest, AcceptsACompleteSource) {
  EXPECT_TRUE(CheckSource(MakeSource({{"env", "prod"}, {"region", "eu"}}), IngestOptions{}).ok());
}

TEST(CheckSourceTest, AcceptsASourceWithoutVersionOrLabels) {
  v1::Source source = MakeSource();
  source.clear_version();
  EXPECT_TRUE(CheckSource(source, IngestOptions{}).ok());
}

TEST(CheckSourceTest, NamesTheMissingServiceField) {
  v1::Source source = MakeSource();
  source.clear_service();
  std::string problem = MessageOf(CheckSource(source, IngestOptions{}));
  EXPECT_THAT(problem, HasSubstr("source.service"));
  EXPECT_THAT(problem, HasSubstr("required"));
}

TEST(CheckSourceTest, ReportsTheFieldAndReasonOfTheProblem) {
  v1::Source source = MakeSource();
  source.set_service("bill\xC3");
  Status status = CheckSource(source, IngestOptions{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().field, "source.service");
  EXPECT_EQ(status.error().reason, metrics::reason::kInvalidUtf8);
}

TEST(CheckSourceTest, NamesTheMissingInstanceField) {
  v1::Source source = MakeSource();
  source.clear_instance();
  std::string problem = MessageOf(CheckSource(source, IngestOptions{}));
  EXPECT_THAT(problem, HasSubstr("source.instance"));
  EXPECT_THAT(problem, HasSubstr("required"));
}

TEST(CheckSourceTest, RejectsFieldsLongerThanTheLimit) {
  IngestOptions options;
  options.max_source_bytes = 8;
  options.max_service_bytes = 8;
  options.max_instance_bytes = 8;
  v1::Source source = MakeSource();
  source.set_service(std::string(8, 's'));
  EXPECT_TRUE(CheckSource(source, options).ok());

  source.set_service(std::string(9, 's'));
  EXPECT_THAT(MessageOf(CheckSource(source, options)),
              HasSubstr("source.service is longer than 8 bytes"));

  source = MakeSource();
  source.set_instance(std::string(9, 'i'));
  EXPECT_THAT(MessageOf(CheckSource(source, options)),
              HasSubstr("source.instance is longer than 8 bytes"));

  source = MakeSource();
  source.set_version(std::string(9, 'v'));
  EXPECT_THAT(MessageOf(CheckSource(source, options)),
              HasSubstr("source.version is longer than 8 bytes"));
}

TEST(CheckSourceTest, RejectsFieldsThatAreNotUtf8) {
  v1::Source source = MakeSource();
  source.set_service("bill\xC3");
  EXPECT_THAT(MessageOf(CheckSource(source, IngestOptions{})),
              HasSubstr("source.service is not valid UTF-8"));

  source = MakeSource();
  source.set_instance("\xFF");
  EXPECT_THAT(MessageOf(CheckSource(source, IngestOptions{})),
              HasSubstr("source.instance is not valid UTF-8"));

  source = MakeSource();
  source.set_version("1.\xED\xA0\x80");  // a UTF-16 surrogate
  EXPECT_THAT(MessageOf(CheckSource(source, IngestOptions{})),
              HasSubstr("source.version is not valid UTF-8"));
}

TEST(CheckSourceTest, RejectsReservedSourceLabels) {
  for (const char* reserved : {"service", "instance", "le", "__meta"}) {
    SCOPED_TRACE(reserved);
    std::string problem = MessageOf(CheckSource(MakeSource({{reserved, "x"}}), IngestOptions{}));
    EXPECT_THAT(problem, StartsWith("source.labels: "));
    EXPECT_THAT(problem, HasSubstr(std::string("\"") + reserved + "\""));
    EXPECT_THAT(problem, HasSubstr("set by the gateway"));
  }
}

TEST(CheckSourceTest, RejectsInvalidSourceLabels) {
  EXPECT_THAT(MessageOf(CheckSource(MakeSource({{"bad-name", "x"}}), IngestOptions{})),
              HasSubstr("does not match"));
  EXPECT_THAT(MessageOf(CheckSource(MakeSource({{"9lives", "x"}}), IngestOptions{})),
              HasSubstr("does not match"));
  EXPECT_THAT(MessageOf(CheckSource(MakeSource({{std::string(129, 'n'), "x"}}), IngestOptions{})),
              HasSubstr("longer than 128 bytes"));
  EXPECT_THAT(
      MessageOf(CheckSource(MakeSource({{"env", std::string(1025, 'v')}}), IngestOptions{})),
      HasSubstr("longer than 1024 bytes"));
  EXPECT_THAT(MessageOf(CheckSource(MakeSource({{"env", "\xC3\x28"}}), IngestOptions{})),
              HasSubstr("not valid UTF-8"));
}

TEST(CheckSourceTest, RejectsMoreSourceLabelsThanASeriesMayCarry) {
  IngestOptions options;
  options.label_limits.max_labels_per_series = 4;  // service and instance take two
  EXPECT_TRUE(CheckSource(MakeSource({{"a", "1"}, {"b", "2"}}), options).ok());
  EXPECT_THAT(MessageOf(CheckSource(MakeSource({{"a", "1"}, {"b", "2"}, {"c", "3"}}), options)),
              HasSubstr("source.labels has more labels"));
}

TEST(SortedLabelsTest, SortsTheSourceLabelsByName) {
  v1::Source source = MakeSource({{"zone", "a"}, {"env", "prod"}, {"region", "eu"}});
  EXPECT_THAT(SortedLabels(source),
              ElementsAre(Pair("env", "prod"), Pair("region", "eu"), Pair("zone", "a")));
}

TEST(MergeLabelsTest, EventLabelWinsOnAClash) {
  v1::Source source = MakeSource({{"env", "prod"}, {"region", "eu"}});
  auto event = EventLabels({{"env", "canary"}});  // `out` views into it: keep it alive
  std::vector<LabelView> out;
  MergeLabels(SortedLabels(source), event, out);
  EXPECT_THAT(out, ElementsAre(Pair("env", "canary"), Pair("region", "eu")));
}

TEST(MergeLabelsTest, ResultIsSortedByName) {
  v1::Source source = MakeSource({{"d", "source"}, {"b", "source"}, {"f", "source"}});
  auto event = EventLabels({{"e", "event"}, {"a", "event"}, {"c", "event"}, {"b", "event"}});
  std::vector<LabelView> out;
  MergeLabels(SortedLabels(source), event, out);
  EXPECT_THAT(out, ElementsAre(Pair("a", "event"), Pair("b", "event"), Pair("c", "event"),
                               Pair("d", "source"), Pair("e", "event"), Pair("f", "source")));
}

// The merge against a plain reference (a std::map overlaid by the event), on random label sets
// that overlap in every way, with one `out` reused as the ingest path does.
TEST(MergeLabelsTest, EqualsAMapOverlayOnRandomLabelSets) {
  std::mt19937 random(15);
  std::vector<LabelView> out;
  // Names that share first bytes or differ only in length, bytes above 0x7f, and some rounds
  // with more labels than SortUniqueLabels sorts by insertion.
  const std::vector<std::string> names = {"a",  "ab", "abc", "abd", "b",        "ba", "c",
                                          "cz", "d",  "e",   "f",   "\xc3\xa9", "z",  "zz"};
  for (int round = 0; round < 2000; ++round) {
    Labels source_labels, event_labels;
    const int per_side = round % 5 == 0 ? 4 : 12;  // an event takes 3 in `per_side` names
    for (int k = 0; k < 14; ++k) {
      const std::string& name = names[random() % names.size()];
      if (random() % 3 == 0) source_labels.emplace_back(name, "s" + std::to_string(k));
      if (random() % per_side < 3) event_labels.emplace_back(name, "e" + std::to_string(k));
    }
    v1::Source source = MakeSource(source_labels);
    auto event = EventLabels(event_labels);
    std::map<std::string, std::string> expected(source.labels().begin(), source.labels().end());
    for (const auto& [name, value] : event) expected[name] = value;

    MergeLabels(SortedLabels(source), event, out);
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    ASSERT_EQ(Pairs(out.begin(), out.end()), Pairs(expected.begin(), expected.end()))
        << "round " << round;
  }
}

TEST(MergeLabelsTest, KeepsSourceLabelsWhenTheEventHasNone) {
  v1::Source source = MakeSource({{"region", "eu"}, {"env", "prod"}});
  std::vector<LabelView> out;
  MergeLabels(SortedLabels(source), EventLabels({}), out);
  EXPECT_THAT(out, ElementsAre(Pair("env", "prod"), Pair("region", "eu")));
}

TEST(MergeLabelsTest, KeepsEventLabelsWhenTheSourceHasNone) {
  std::vector<LabelView> out;
  auto event = EventLabels({{"path", "/b"}, {"code", "200"}});
  MergeLabels(std::vector<LabelView>{}, event, out);
  EXPECT_THAT(out, ElementsAre(Pair("code", "200"), Pair("path", "/b")));
}

TEST(MergeLabelsTest, IsEmptyWhenNeitherHasLabels) {
  std::vector<LabelView> out;
  MergeLabels(std::vector<LabelView>{}, EventLabels({}), out);
  EXPECT_THAT(out, IsEmpty());
}

TEST(MergeLabelsTest, ReplacesWhatTheOutputHeldBefore) {
  std::vector<LabelView> out = {{"stale", "x"}, {"zzz", "y"}};
  auto event = EventLabels({{"code", "200"}});
  MergeLabels(std::vector<LabelView>{}, event, out);
  EXPECT_THAT(out, ElementsAre(Pair("code", "200")));
}

v1::HealthEvent MakeHealth(v1::HealthStatus status, std::string detail = "", uint32_t ttl = 0) {
  v1::HealthEvent event;
  event.set_status(status);
  event.set_detail(std::move(detail));
  event.set_ttl_seconds(ttl);
  return event;
}

void AddCheck(v1::HealthEvent& event, std::string name, v1::HealthStatus status,
              std::string detail = "") {
  v1::Check* check = event.add_checks();
  check->set_name(std::move(name));
  check->set_status(status);
  check->set_detail(std::move(detail));
}

TEST(ToHealthReportTest, MapsEachWireStatus) {
  const std::pair<v1::HealthStatus, health::Status> cases[] = {
      {v1::HEALTH_STATUS_SERVING, health::Status::kServing},
      {v1::HEALTH_STATUS_DEGRADED, health::Status::kDegraded},
      {v1::HEALTH_STATUS_NOT_SERVING, health::Status::kNotServing},
  };
  for (const auto& [wire, expected] : cases) {
    SCOPED_TRACE(v1::HealthStatus_Name(wire));
    health::HealthReport report;
    Status outcome = ToHealthReport(MakeHealth(wire), IngestOptions{}, report);
    ASSERT_TRUE(outcome.ok()) << MessageOf(outcome);
    EXPECT_EQ(report.status, expected);
  }
}

TEST(ToHealthReportTest, CopiesDetailTtlAndChecks) {
  v1::HealthEvent event = MakeHealth(v1::HEALTH_STATUS_DEGRADED, "replica lag", 90);
  AddCheck(event, "db", v1::HEALTH_STATUS_SERVING);
  AddCheck(event, "cache", v1::HEALTH_STATUS_NOT_SERVING, "connection refused");
  health::HealthReport report;
  ASSERT_TRUE(ToHealthReport(event, IngestOptions{}, report).ok());
  EXPECT_EQ(report.status, health::Status::kDegraded);
  EXPECT_EQ(report.detail, "replica lag");
  EXPECT_EQ(report.ttl, seconds(90));
  ASSERT_EQ(report.checks.size(), 2u);
  EXPECT_EQ(report.checks[0].name, "db");
  EXPECT_EQ(report.checks[0].status, health::Status::kServing);
  EXPECT_EQ(report.checks[0].detail, "");
  EXPECT_EQ(report.checks[1].name, "cache");
  EXPECT_EQ(report.checks[1].status, health::Status::kNotServing);
  EXPECT_EQ(report.checks[1].detail, "connection refused");
}

TEST(ToHealthReportTest, ZeroTtlMeansTheRegistryDefault) {
  health::HealthReport report;
  ASSERT_TRUE(ToHealthReport(MakeHealth(v1::HEALTH_STATUS_SERVING), IngestOptions{}, report).ok());
  EXPECT_EQ(report.ttl, seconds(0));
}

TEST(ToHealthReportTest, RejectsUnspecifiedStatus) {
  health::HealthReport report;
  auto outcome = ToHealthReport(MakeHealth(v1::HEALTH_STATUS_UNSPECIFIED), IngestOptions{}, report);
  EXPECT_EQ(ReasonOf(outcome), metrics::reason::kInvalidStatus);
  EXPECT_THAT(MessageOf(outcome), HasSubstr("SERVING, DEGRADED or NOT_SERVING"));
}

TEST(ToHealthReportTest, RejectsStatusValuesOutsideTheEnum) {
  // proto3 enums are open: an unknown number from a newer or broken client arrives as is.
  for (int value : {4, 42, -1}) {
    SCOPED_TRACE(value);
    health::HealthReport report;
    auto outcome =
        ToHealthReport(MakeHealth(static_cast<v1::HealthStatus>(value)), IngestOptions{}, report);
    EXPECT_EQ(ReasonOf(outcome), metrics::reason::kInvalidStatus);
  }
}

TEST(ToHealthReportTest, RejectsTtlAboveTheMaximum) {
  health::HealthReport report;
  const auto max = static_cast<uint32_t>(seconds(hours(24)).count());
  EXPECT_TRUE(
      ToHealthReport(MakeHealth(v1::HEALTH_STATUS_SERVING, "", max), IngestOptions{}, report).ok());
  auto outcome =
      ToHealthReport(MakeHealth(v1::HEALTH_STATUS_SERVING, "", max + 1), IngestOptions{}, report);
  EXPECT_EQ(ReasonOf(outcome), metrics::reason::kInvalidTtl);
  EXPECT_THAT(MessageOf(outcome), HasSubstr("86400"));

  IngestOptions options;
  options.max_ttl = seconds(60);
  EXPECT_EQ(
      ReasonOf(ToHealthReport(MakeHealth(v1::HEALTH_STATUS_SERVING, "", 61), options, report)),
      metrics::reason::kInvalidTtl);
  EXPECT_EQ(ReasonOf(ToHealthReport(MakeHealth(v1::HEALTH_STATUS_SERVING, "", UINT32_MAX), options,
                                    report)),
            metrics::reason::kInvalidTtl);
}

TEST(ToHealthReportTest, RejectsDetailLongerThanTheLimit) {
  IngestOptions options;
  options.max_detail_bytes = 16;
  health::HealthReport report;
  EXPECT_TRUE(
      ToHealthReport(MakeHealth(v1::HEALTH_STATUS_SERVING, std::string(16, 'd')), options, report)
          .ok());
  auto outcome =
      ToHealthReport(MakeHealth(v1::HEALTH_STATUS_SERVING, std::string(17, 'd')), options, report);
  EXPECT_EQ(ReasonOf(outcome), metrics::reason::kValueTooLong);
  EXPECT_THAT(MessageOf(outcome), HasSubstr("longer than 16 bytes"));
}

TEST(ToHealthReportTest, RejectsDetailThatIsNotUtf8) {
  health::HealthReport report;
  auto outcome = ToHealthReport(MakeHealth(v1::HEALTH_STATUS_SERVING, "disk \xC0\xAF"),
                                IngestOptions{}, report);
  EXPECT_EQ(ReasonOf(outcome), metrics::reason::kInvalidUtf8);
}

TEST(ToHealthReportTest, RejectsCheckDetailLongerThanTheLimitOrNotUtf8) {
  IngestOptions options;
  options.max_detail_bytes = 16;
  health::HealthReport report;
  v1::HealthEvent too_long = MakeHealth(v1::HEALTH_STATUS_SERVING);
  AddCheck(too_long, "db", v1::HEALTH_STATUS_SERVING, std::string(17, 'd'));
  EXPECT_EQ(ReasonOf(ToHealthReport(too_long, options, report)), metrics::reason::kValueTooLong);

  v1::HealthEvent not_utf8 = MakeHealth(v1::HEALTH_STATUS_SERVING);
  AddCheck(not_utf8, "db", v1::HEALTH_STATUS_SERVING, "\xE2\x82");
  EXPECT_EQ(ReasonOf(ToHealthReport(not_utf8, options, report)), metrics::reason::kInvalidUtf8);
}

TEST(ToHealthReportTest, RejectsMoreChecksThanTheLimit) {
  IngestOptions options;
  options.max_checks = 3;
  health::HealthReport report;
  v1::HealthEvent event = MakeHealth(v1::HEALTH_STATUS_SERVING);
  for (int i = 0; i < 3; ++i) AddCheck(event, "c" + std::to_string(i), v1::HEALTH_STATUS_SERVING);
  EXPECT_TRUE(ToHealthReport(event, options, report).ok());
  AddCheck(event, "c3", v1::HEALTH_STATUS_SERVING);
  auto outcome = ToHealthReport(event, options, report);
  EXPECT_EQ(ReasonOf(outcome), metrics::reason::kTooManyChecks);
  EXPECT_THAT(MessageOf(outcome), HasSubstr("at most 3 checks"));
}

TEST(ToHealthReportTest, RejectsCheckWithoutName) {
  health::HealthReport report;
  v1::HealthEvent event = MakeHealth(v1::HEALTH_STATUS_SERVING);
  AddCheck(event, "db", v1::HEALTH_STATUS_SERVING);
  AddCheck(event, "", v1::HEALTH_STATUS_SERVING);
  EXPECT_EQ(ReasonOf(ToHealthReport(event, IngestOptions{}, report)),
            metrics::reason::kInvalidCheck);
}

TEST(ToHealthReportTest, RejectsCheckWithTooLongOrNonUtf8Name) {
  health::HealthReport report;
  v1::HealthEvent long_name = MakeHealth(v1::HEALTH_STATUS_SERVING);
  AddCheck(long_name, std::string(129, 'n'), v1::HEALTH_STATUS_SERVING);
  EXPECT_EQ(ReasonOf(ToHealthReport(long_name, IngestOptions{}, report)),
            metrics::reason::kInvalidCheck);

  v1::HealthEvent bad_name = MakeHealth(v1::HEALTH_STATUS_SERVING);
  AddCheck(bad_name, "db\xFF", v1::HEALTH_STATUS_SERVING);
  EXPECT_EQ(ReasonOf(ToHealthReport(bad_name, IngestOptions{}, report)),
            metrics::reason::kInvalidCheck);
}

TEST(ToHealthReportTest, RejectsCheckWithoutValidStatus) {
  health::HealthReport report;
  v1::HealthEvent unspecified = MakeHealth(v1::HEALTH_STATUS_SERVING);
  AddCheck(unspecified, "db", v1::HEALTH_STATUS_UNSPECIFIED);
  auto outcome = ToHealthReport(unspecified, IngestOptions{}, report);
  EXPECT_EQ(ReasonOf(outcome), metrics::reason::kInvalidCheck);
  EXPECT_THAT(MessageOf(outcome), HasSubstr("\"db\""));

  v1::HealthEvent out_of_range = MakeHealth(v1::HEALTH_STATUS_SERVING);
  AddCheck(out_of_range, "db", static_cast<v1::HealthStatus>(9));
  EXPECT_EQ(ReasonOf(ToHealthReport(out_of_range, IngestOptions{}, report)),
            metrics::reason::kInvalidCheck);
}

}  // namespace
}  // namespace fleetgate::ingest
