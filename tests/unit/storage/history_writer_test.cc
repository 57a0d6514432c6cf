#include "storage/history_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "writer_fixture.h"

namespace fleetgate::storage {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

class HistoryWriterTest : public WriterTest {};

TEST_F(HistoryWriterTest, FlushMakesQueuedWritesVisibleToReaders) {
  HistoryWriter& writer = StartWriter();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(writer.Enqueue(MakeTransition("pod", "SERVING", At(i))));
  EXPECT_EQ(CountRows("health_transitions"), 0);  // neither a full batch nor an interval yet

  writer.Flush();

  EXPECT_EQ(CountRows("health_transitions"), 10);
  EXPECT_EQ(Metric("fleetgate_storage_write_duration_seconds"), 1);  // one transaction
  EXPECT_EQ(Metric("fleetgate_storage_transitions_written_total"), 10);
  EXPECT_TRUE(writer.Healthy());
}

TEST_F(HistoryWriterTest, CommitsManyWritesInFewTransactions) {
  HistoryWriter& writer = StartWriter();
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(writer.Enqueue(MakeTransition("pod-" + std::to_string(i % 50), "SERVING", At(i))));
  }
  writer.Flush();
  EXPECT_EQ(CountRows("health_transitions"), 20000);
  double commits = Metric("fleetgate_storage_write_duration_seconds");
  EXPECT_GE(commits, 2);   // at most max_transaction_rows (10000) per transaction
  EXPECT_LE(commits, 21);  // and no smaller than a batch (1000) but for the last
  EXPECT_EQ(Metric("fleetgate_storage_queue_depth"), 0);
}

TEST_F(HistoryWriterTest, CommitsWhenABatchIsWaiting) {
  HistoryWriterOptions options = WriterOptions();
  options.batch_rows = 100;
  HistoryWriter& writer = StartWriter(options);
  for (int i = 0; i < 100; ++i) writer.Enqueue(MakeTransition("pod", "SERVING", At(i)));
  EXPECT_TRUE(PollUntil([&] { return CountRows("health_transitions") == 100; }));
}

TEST_F(HistoryWriterTest, CommitsEveryFlushIntervalOfTheClockWithoutAFlush) {
  HistoryWriterOptions options = WriterOptions();
  options.flush_interval = milliseconds(10);
  HistoryWriter& writer = StartWriter(options);
  writer.Enqueue(MakeTransition("pod", "SERVING", At(1)));
  clock_->Advance(milliseconds(10));  // the interval passes on the injected clock
  EXPECT_TRUE(PollUntil([&] { return CountRows("health_transitions") == 1; }));
}

TEST_F(HistoryWriterTest, DropsAndCountsWritesWhenTheQueueIsFull) {
  HistoryWriterOptions options = WriterOptions();
  options.queue_capacity = 10;
  HistoryWriter& writer = StartWriter(options);
  int accepted = 0;
  for (int i = 0; i < 15; ++i) accepted += writer.Enqueue(MakeTransition("pod", "SERVING", At(i)));
  EXPECT_EQ(accepted, 10);
  EXPECT_FALSE(writer.EnqueueDelete("checkout", "pod"));
  EXPECT_EQ(Metric("fleetgate_storage_dropped_total", {{"reason", "queue_full"}}), 6);
  EXPECT_EQ(Metric("fleetgate_storage_queue_depth"), 10);

  writer.Flush();
  EXPECT_EQ(CountRows("health_transitions"), 10);
  EXPECT_EQ(Metric("fleetgate_storage_queue_depth"), 0);
  EXPECT_TRUE(writer.Enqueue(MakeTransition("pod", "SERVING", At(20))));
}

TEST_F(HistoryWriterTest, UpsertsAndDeletesLastStates) {
  HistoryWriter& writer = StartWriter();
  InstanceState a{
      "checkout",         "pod-a", "SERVING", "ok", "1.2.3", At(10), At(20), R"({"db":"SERVING"})",
      milliseconds(30000)};
  InstanceState b = a;
  b.instance = "pod-b";
  writer.Enqueue(a);
  writer.Enqueue(b);
  a.status = "STALE";
  a.status_since = At(50);
  a.last_seen = TimePoint(milliseconds(50123));
  writer.Enqueue(a);
  writer.EnqueueDelete("checkout", "pod-b");
  writer.Flush();

  Result<std::vector<InstanceState>> states = Reader().LoadInstanceStates();
  ASSERT_TRUE(states.ok());
  ASSERT_EQ(states.value().size(), 1u);
  const InstanceState& got = states.value()[0];
  EXPECT_EQ(got.instance, "pod-a");
  EXPECT_EQ(got.status, "STALE");
  EXPECT_EQ(got.detail, "ok");
  EXPECT_EQ(got.version, "1.2.3");
  EXPECT_EQ(got.status_since, At(50));
  EXPECT_EQ(got.last_seen, TimePoint(milliseconds(50123)));
  EXPECT_EQ(got.checks_json, R"({"db":"SERVING"})");
  EXPECT_EQ(got.ttl, milliseconds(30000));
}

TEST_F(HistoryWriterTest, StopFlushesThenRejectsWrites) {
  HistoryWriter& writer = StartWriter();
  for (int i = 0; i < 5; ++i) writer.Enqueue(MakeTransition("pod", "SERVING", At(i)));
  writer.Stop();
  EXPECT_EQ(CountRows("health_transitions"), 5);
  EXPECT_FALSE(writer.Enqueue(MakeTransition("pod", "SERVING", At(9))));
  EXPECT_EQ(Metric("fleetgate_storage_dropped_total", {{"reason", "stopped"}}), 1);
  writer.Flush();  // returns at once
  writer.Stop();   // idempotent
  EXPECT_FALSE(writer.ApplyRetention(At(0)).ok());
}

TEST_F(HistoryWriterTest, RetentionDeletesOnlyOldRowsInBatches) {
  HistoryWriterOptions options = WriterOptions();
  options.retention_batch_rows = 7;
  StartWriter(options);
  std::vector<TransitionRecord> rows;
  for (int i = 0; i < 60; ++i) {
    // 3 services, times 0..59 s; the cutoff at 40 s keeps 20 rows.
    rows.push_back(MakeTransition("pod", "SERVING", At(i), "svc-" + std::to_string(i % 3)));
  }
  WriteAll(rows);
  RawConnection().Exec(
      "INSERT INTO alert_history (rule, from_state, to_state, time_ms) VALUES"
      " ('r', 'inactive', 'firing', 1000), ('r', 'firing', 'inactive', 45000)");

  Result<int64_t> deleted = writer_->ApplyRetention(At(40));

  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(deleted.value(), 41);  // 40 transitions and one alert history row
  SqliteConnection check = RawConnection();
  EXPECT_EQ(check.QueryInt("SELECT COUNT(*) FROM health_transitions"), 20);
  EXPECT_EQ(check.QueryInt("SELECT MIN(time_ms) FROM health_transitions"), 40000);
  EXPECT_EQ(check.QueryInt("SELECT COUNT(*) FROM alert_history"), 1);
  EXPECT_EQ(check.QueryInt("PRAGMA freelist_count"), 0);  // vacuumed
}

TEST_F(HistoryWriterTest, RetentionRunsOnTheInjectedClock) {
  // Rows 20 and 10 days old; 30 days of retention keeps both until the clock moves 15 days.
  TimePoint now = clock_->Now();
  WriteAll({MakeTransition("old", "SERVING", now - hours(24 * 20)),
            MakeTransition("new", "SERVING", now - hours(24 * 10))});
  writer_.reset();
  HistoryWriterOptions options = WriterOptions();
  options.retention = hours(24 * 30);
  options.retention_interval = hours(1);
  options.flush_interval = milliseconds(5);
  HistoryWriter& writer = StartWriter(options);
  writer.Flush();
  EXPECT_EQ(CountRows("health_transitions"), 2);

  clock_->Advance(hours(24 * 15));

  EXPECT_TRUE(PollUntil([&] { return CountRows("health_transitions") == 1; }));
  EXPECT_EQ(RawConnection().QueryInt("SELECT COUNT(*) FROM health_transitions_named"
                                     " WHERE instance = 'new'"),
            1);
}

TEST_F(HistoryWriterTest, RegistersSelfMetricsWithHelp) {
  StartWriter();
  std::set<std::string> names;
  for (const auto& family : registry_.Collect()) {
    EXPECT_FALSE(family.help.empty()) << family.name;
    names.insert(family.name);
  }
  EXPECT_EQ(names, (std::set<std::string>{
                       "fleetgate_storage_errors_total", "fleetgate_storage_dropped_total",
                       "fleetgate_storage_queue_depth", "fleetgate_storage_write_duration_seconds",
                       "fleetgate_storage_transitions_written_total"}));
  EXPECT_EQ(Metric("fleetgate_storage_errors_total", {{"op", "write"}, {"reason", "full"}}), 0);
}

}  // namespace
}  // namespace fleetgate::storage
