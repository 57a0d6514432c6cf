#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/alert_queries.h"
#include "writer_fixture.h"

namespace fleetgate::storage {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

AlertTransition MakeAlertTransition(std::string rule, std::string to, TimePoint time,
                                    std::string labels_json = R"({"service":"checkout"})") {
  return AlertTransition{
      std::move(rule), std::move(labels_json), kAlertInactive, std::move(to), 1.5, time};
}

class AlertHistoryTest : public WriterTest {
 protected:
  void WriteAlerts(const std::vector<AlertTransition>& transitions) {
    HistoryWriter& writer = writer_ ? *writer_ : StartWriter();
    for (const AlertTransition& t : transitions) ASSERT_TRUE(writer.Enqueue(t));
    writer.Flush();
  }

  std::vector<AlertTransition> ReadAllPages(const AlertHistoryQuery& query, int* pages) {
    return storage::ReadAllPages(
        query, [&](const AlertHistoryQuery& q) { return Reader().QueryAlertHistory(q); }, pages);
  }
};

// Labels are unique row tags here, so order and completeness compare directly.
std::vector<std::string> Labels(const std::vector<AlertTransition>& transitions) {
  std::vector<std::string> labels;
  for (const AlertTransition& t : transitions) labels.push_back(t.labels_json);
  return labels;
}

TEST_F(AlertHistoryTest, StoresEveryFieldOfATransition) {
  AlertTransition firing{"HighQueue", R"({"service":"billing"})",   kAlertPending, kAlertFiring,
                         101.25,      TimePoint(milliseconds(7123))};
  AlertTransition no_value{"InstanceDown", "{}", kAlertFiring, kAlertResolved, std::nullopt, At(8)};
  WriteAlerts({firing, no_value});

  Result<AlertHistoryPage> page = Reader().QueryAlertHistory({});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page.value().transitions.size(), 2u);
  EXPECT_TRUE(page.value().next_cursor.empty());
  const AlertTransition& newest = page.value().transitions[0];
  EXPECT_EQ(newest.rule, "InstanceDown");
  EXPECT_FALSE(newest.value.has_value());
  const AlertTransition& got = page.value().transitions[1];
  EXPECT_EQ(got.rule, "HighQueue");
  EXPECT_EQ(got.labels_json, R"({"service":"billing"})");
  EXPECT_EQ(got.from, kAlertPending);
  EXPECT_EQ(got.to, kAlertFiring);
  EXPECT_EQ(got.value, 101.25);
  EXPECT_EQ(got.time, TimePoint(milliseconds(7123)));
}

TEST_F(AlertHistoryTest, PagesNewestFirstWithoutGapsOrDuplicatesAcrossEqualTimes) {
  std::vector<AlertTransition> rows;
  for (int i = 0; i < 250; ++i) {
    // Four rows share each millisecond, so pages split inside equal timestamps.
    rows.push_back(MakeAlertTransition(i % 2 == 0 ? "even" : "odd", kAlertFiring,
                                       TimePoint(milliseconds(1000 + i / 4)), std::to_string(i)));
  }
  WriteAlerts(rows);

  AlertHistoryQuery query;
  query.limit = 7;
  int pages = 0;
  std::vector<AlertTransition> all = ReadAllPages(query, &pages);
  EXPECT_EQ(Labels(all), Labels({rows.rbegin(), rows.rend()}));
  EXPECT_EQ(pages, 36);  // ceil(250 / 7)

  query.rule = "odd";
  std::vector<AlertTransition> odd = ReadAllPages(query, &pages);
  std::vector<AlertTransition> expected;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if (it->rule == "odd") expected.push_back(*it);
  }
  EXPECT_EQ(Labels(odd), Labels(expected));
  EXPECT_EQ(pages, 18);  // ceil(125 / 7)
}

TEST_F(AlertHistoryTest, AnExactlyFullLastPageHasNoNextCursor) {
  std::vector<AlertTransition> rows;
  for (int i = 0; i < 14; ++i) rows.push_back(MakeAlertTransition("r", kAlertFiring, At(i)));
  WriteAlerts(rows);
  AlertHistoryQuery query;
  query.limit = 7;
  int pages = 0;
  EXPECT_EQ(ReadAllPages(query, &pages).size(), 14u);
  EXPECT_EQ(pages, 2);
}

TEST_F(AlertHistoryTest, FiltersByRuleAndHalfOpenTimeRange) {
  std::vector<AlertTransition> rows;
  for (int s = 0; s < 20; ++s) {
    rows.push_back(MakeAlertTransition("a", kAlertFiring, At(s), "a" + std::to_string(s)));
    rows.push_back(MakeAlertTransition("b", kAlertFiring, At(s), "b" + std::to_string(s)));
  }
  WriteAlerts(rows);

  AlertHistoryQuery query;
  query.rule = "a";
  query.from = At(5);  // inclusive
  query.to = At(9);    // exclusive
  query.limit = 3;
  int pages = 0;
  EXPECT_EQ(Labels(ReadAllPages(query, &pages)),
            (std::vector<std::string>{"a8", "a7", "a6", "a5"}));
  EXPECT_EQ(pages, 2);

  query.rule.reset();
  query.limit = 100;
  EXPECT_EQ(ReadAllPages(query, &pages).size(), 8u);
  query.rule = "unknown";
  EXPECT_TRUE(ReadAllPages(query, &pages).empty());
  query.rule.reset();
  query.to = At(5);  // an empty range
  EXPECT_TRUE(ReadAllPages(query, &pages).empty());
}

TEST_F(AlertHistoryTest, RejectsABadCursorOrLimitAsInvalidArgument) {
  AlertHistoryQuery query;
  query.cursor = "not-a-cursor";
  Result<AlertHistoryPage> bad_cursor = Reader().QueryAlertHistory(query);
  ASSERT_FALSE(bad_cursor.ok());
  EXPECT_EQ(bad_cursor.error().code, ErrorCode::kInvalidArgument);
  query.cursor.clear();
  for (int limit : {0, -1, kMaxQueryLimit + 1}) {
    query.limit = limit;
    Result<AlertHistoryPage> page = Reader().QueryAlertHistory(query);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST_F(AlertHistoryTest, PageQueriesWalkAnIndexWithoutSorting) {
  SqliteConnection connection = RawConnection();
  for (bool with_rule : {false, true}) {
    for (bool with_cursor : {false, true}) {
      SCOPED_TRACE(AlertPageSql(with_rule, with_cursor));
      std::string plan;
      Statement stmt =
          connection.Prepare("EXPLAIN QUERY PLAN " + AlertPageSql(with_rule, with_cursor));
      while (stmt.Step()) plan += stmt.Text(3) + "\n";
      EXPECT_THAT(plan, HasSubstr(with_rule ? "USING INDEX alert_history_by_rule (rule=? AND"
                                            : "USING INDEX alert_history_by_time (time_ms>?"));
      EXPECT_THAT(plan, Not(HasSubstr("TEMP B-TREE")));
    }
  }
}

TEST_F(AlertHistoryTest, RetentionDeletesOldAlertHistoryAndKeepsActiveStates) {
  WriteAlerts({MakeAlertTransition("r", kAlertFiring, At(10), "old"),
               MakeAlertTransition("r", kAlertResolved, At(50), "new")});
  writer_->Enqueue(
      AlertStates{"r", {AlertStateRecord{"{}", kAlertFiring, At(10), At(10), std::nullopt, 1}}});
  writer_->Flush();

  Result<int64_t> deleted = writer_->ApplyRetention(At(40));

  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(deleted.value(), 1);
  int pages = 0;
  EXPECT_EQ(Labels(ReadAllPages({}, &pages)), (std::vector<std::string>{"new"}));
  EXPECT_EQ(CountRows("alert_state"), 1);
}

TEST_F(AlertHistoryTest, AlertWritesAfterStopAreRejectedAndCounted) {
  HistoryWriter& writer = StartWriter();
  writer.Stop();
  EXPECT_FALSE(writer.Enqueue(MakeAlertTransition("r", kAlertFiring, At(1))));
  EXPECT_FALSE(writer.Enqueue(AlertStates{"r", {}}));
  EXPECT_EQ(Metric("fleetgate_storage_dropped_total", {{"reason", "stopped"}}), 2);
}

}  // namespace
}  // namespace fleetgate::storage
