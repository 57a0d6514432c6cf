#include "storage/history_reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "writer_fixture.h"

namespace fleetgate::storage {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class HistoryReaderTest : public WriterTest {
 protected:
  std::vector<TransitionRecord> ReadAllPages(const TransitionQuery& query, int* pages) {
    return storage::ReadAllPages(
        query, [&](const TransitionQuery& q) { return Reader().QueryTransitions(q); }, pages);
  }
};

// Details are unique row labels, so order and completeness can be compared directly.
std::vector<std::string> Details(const std::vector<TransitionRecord>& transitions) {
  std::vector<std::string> details;
  for (const TransitionRecord& t : transitions) details.push_back(t.detail);
  return details;
}

TEST_F(HistoryReaderTest, PagesNewestFirstWithoutGapsOrDuplicatesAcrossEqualTimes) {
  std::vector<TransitionRecord> rows;
  for (int i = 0; i < 250; ++i) {
    // Four rows share each millisecond, so pages split inside equal timestamps.
    TransitionRecord t = MakeTransition("pod-" + std::to_string(i % 3), "SERVING",
                                        TimePoint(milliseconds(1000 + i / 4)));
    t.detail = std::to_string(i);
    rows.push_back(t);
  }
  WriteAll(rows);
  std::vector<TransitionRecord> expected(rows.rbegin(), rows.rend());

  TransitionQuery query;
  query.service = "checkout";
  query.limit = 7;
  int pages = 0;
  std::vector<TransitionRecord> got = ReadAllPages(query, &pages);

  EXPECT_EQ(Details(got), Details(expected));
  EXPECT_EQ(pages, 36);  // ceil(250 / 7)
  EXPECT_EQ(got.front().time, TimePoint(milliseconds(1062)));
}

TEST_F(HistoryReaderTest, AnExactlyFullLastPageHasNoNextCursor) {
  std::vector<TransitionRecord> rows;
  for (int i = 0; i < 14; ++i) rows.push_back(MakeTransition("pod", "SERVING", At(i)));
  WriteAll(rows);
  TransitionQuery query;
  query.service = "checkout";
  query.limit = 7;
  int pages = 0;
  EXPECT_EQ(ReadAllPages(query, &pages).size(), 14u);
  EXPECT_EQ(pages, 2);
}

TEST_F(HistoryReaderTest, FiltersByInstanceAndHalfOpenTimeRange) {
  std::vector<TransitionRecord> rows;
  for (int i = 0; i < 40; ++i) {
    TransitionRecord t = MakeTransition(i % 2 == 0 ? "even" : "odd", "SERVING", At(i / 2));
    t.detail = std::to_string(i);
    rows.push_back(t);
  }
  rows.push_back(MakeTransition("even", "SERVING", At(5), "other-service"));
  WriteAll(rows);

  TransitionQuery query;
  query.service = "checkout";
  query.instance = "even";
  query.from = At(5);  // inclusive
  query.to = At(9);    // exclusive
  query.limit = 3;
  int pages = 0;
  std::vector<TransitionRecord> got = ReadAllPages(query, &pages);

  // "even" rows are i = 2 * s at second s; seconds 8, 7, 6, 5.
  EXPECT_EQ(Details(got), (std::vector<std::string>{"16", "14", "12", "10"}));
  EXPECT_EQ(pages, 2);
}

TEST_F(HistoryReaderTest, ACursorFromAWiderRangeStillHonoursTheEndOfANarrowerOne) {
  std::vector<TransitionRecord> rows;
  for (int i = 0; i < 6; ++i) {
    TransitionRecord t = MakeTransition("pod", "SERVING", At(i < 3 ? 10 : 20));
    t.detail = std::to_string(i);
    rows.push_back(t);
  }
  WriteAll(rows);
  TransitionQuery query;
  query.service = "checkout";
  query.limit = 1;
  Result<TransitionPage> first = Reader().QueryTransitions(query);  // row 5 at 20 s
  ASSERT_TRUE(first.ok());
  query.cursor = first.value().next_cursor;
  query.to = At(11);
  query.limit = 10;
  Result<TransitionPage> second = Reader().QueryTransitions(query);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Details(second.value().transitions), (std::vector<std::string>{"2", "1", "0"}));
}

TEST_F(HistoryReaderTest, RejectsABadCursorOrLimitAsInvalidArgument) {
  TransitionQuery query;
  query.service = "checkout";
  query.cursor = "not-a-cursor";
  Result<TransitionPage> bad_cursor = Reader().QueryTransitions(query);
  ASSERT_FALSE(bad_cursor.ok());
  EXPECT_EQ(bad_cursor.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad_cursor.error().field, "cursor");
  EXPECT_EQ(bad_cursor.error().Reason(), "invalid_parameter");
  query.cursor.clear();
  for (int limit : {0, -1, kMaxQueryLimit + 1}) {
    query.limit = limit;
    Result<TransitionPage> page = Reader().QueryTransitions(query);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(page.error().field, "limit");
  }
}

TEST_F(HistoryReaderTest, ComputesAvailabilityAtTheWindowEdges) {
  // Window [1000 s, 2000 s).
  WriteAll({
      MakeTransition("a", "SERVING", At(500)),
      MakeTransition("a", "NOT_SERVING", At(900)),  // the status at the window start
      MakeTransition("a", "SERVING", At(1200)),
      MakeTransition("a", "NOT_SERVING", At(2000)),  // at the end: outside
      MakeTransition("a", "DEGRADED", At(2500)),
      MakeTransition("b", "SERVING", At(1000)),  // first sighting at the start
      MakeTransition("b", "STALE", At(1600)),
      MakeTransition("c", "SERVING", At(100)),
      MakeTransition("c", "DEREGISTERED", At(200)),  // gone before the window
      MakeTransition("d", "DEGRADED", At(1500)),
      MakeTransition("a", "SERVING", At(1000), "other-service"),
  });

  Result<ServiceAvailability> result = Reader().Availability("checkout", At(1000), At(2000));

  ASSERT_TRUE(result.ok()) << result.error().message;
  const ServiceAvailability& availability = result.value();
  ASSERT_EQ(availability.instances.size(), 3u);
  const AvailabilityStats& a = availability.instances[0].stats;  // NOT_SERVING 200, SERVING 800
  EXPECT_EQ(availability.instances[0].instance, "a");
  EXPECT_DOUBLE_EQ(*a.serving_share, 0.8);
  EXPECT_EQ(a.time_in_status.at("NOT_SERVING"), seconds(200));
  EXPECT_EQ(a.transitions, 1);
  const AvailabilityStats& b = availability.instances[1].stats;  // SERVING 600, STALE 400
  EXPECT_DOUBLE_EQ(*b.serving_share, 0.6);
  EXPECT_EQ(b.transitions, 1);                                   // the first sighting is no flap
  const AvailabilityStats& d = availability.instances[2].stats;  // DEGRADED 500
  EXPECT_EQ(d.observed, seconds(500));
  EXPECT_DOUBLE_EQ(*d.serving_share, 0.0);
  EXPECT_EQ(availability.total.observed, seconds(2500));
  EXPECT_DOUBLE_EQ(*availability.total.serving_share, 1400.0 / 2500.0);
  EXPECT_EQ(availability.total.transitions, 2);
}

TEST_F(HistoryReaderTest, RejectsAWindowThatEndsBeforeItStarts) {
  Result<ServiceAvailability> result = Reader().Availability("checkout", At(10), At(5));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(HistoryReaderTest, ServesConcurrentQueriesWhileTheWriterCommits) {
  HistoryWriterOptions options = WriterOptions();
  options.batch_rows = 50;
  HistoryWriter& writer = StartWriter(options);
  HistoryReader& reader = Reader();
  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      TransitionQuery query;
      query.service = "checkout";
      for (int i = 0; i < 50; ++i) {
        if (!reader.QueryTransitions(query).ok()) failed = true;
        if (!reader.Availability("checkout", At(0), At(5000)).ok()) failed = true;
      }
    });
  }
  for (int i = 0; i < 5000; ++i) writer.Enqueue(MakeTransition("pod", "SERVING", At(i)));
  for (std::thread& t : readers) t.join();
  writer.Flush();
  EXPECT_FALSE(failed);
  EXPECT_EQ(CountRows("health_transitions"), 5000);
}

}  // namespace
}  // namespace fleetgate::storage
