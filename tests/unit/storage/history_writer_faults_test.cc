// The writer under a full disk and a locked database: errors are counted, readiness turns
// false, callers never block, and writing resumes once the fault clears.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/history_writer.h"
#include "writer_fixture.h"

namespace fleetgate::storage {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

class HistoryWriterFaultTest : public WriterTest {
 protected:
  double Errors(const std::string& reason) {
    return Metric("fleetgate_storage_errors_total", {{"op", "write"}, {"reason", reason}});
  }
  double Dropped(const std::string& reason) {
    return Metric("fleetgate_storage_dropped_total", {{"reason", reason}});
  }
};

TEST_F(HistoryWriterFaultTest, AFullDiskDropsTheBatchAfterRetriesAndRecovers) {
  HistoryWriterOptions options = WriterOptions();
  options.batch_rows = options.queue_capacity;  // one batch, written at the Flush
  HistoryWriter& writer = StartWriter(options);
  writer.SetMaxPageCount(1);  // clamped to the current size: no page may be added
  std::string detail(200, 'x');
  for (int i = 0; i < 2000; ++i) {
    TransitionRecord t = MakeTransition("pod-" + std::to_string(i), "SERVING", At(i));
    t.detail = detail;
    ASSERT_TRUE(writer.Enqueue(t));
  }

  writer.Flush();  // returns once the batch is given up

  EXPECT_FALSE(writer.Healthy());
  EXPECT_THAT(writer.LastError(), HasSubstr("full"));
  EXPECT_EQ(Errors("full"), 3);  // max_attempts
  EXPECT_EQ(Dropped("write_failed"), 2000);
  EXPECT_EQ(CountRows("health_transitions"), 0);

  writer.SetMaxPageCount(0);  // space given back
  ASSERT_TRUE(writer.Enqueue(MakeTransition("pod", "SERVING", At(1))));
  writer.Flush();

  EXPECT_TRUE(writer.Healthy());
  EXPECT_EQ(writer.LastError(), "");
  EXPECT_EQ(CountRows("health_transitions"), 1);
  // The service and instance ids of the rolled-back batch were forgotten with it.
  EXPECT_EQ(CountRows("services"), 1);
  EXPECT_EQ(CountRows("instances"), 1);
  TransitionQuery query;
  query.service = "checkout";
  query.instance = "pod";
  Result<TransitionPage> page = Reader().QueryTransitions(query);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page.value().transitions.size(), 1u);
  EXPECT_EQ(page.value().transitions[0].instance, "pod");
  SqliteConnection check = RawConnection();
  Statement integrity = check.Prepare("PRAGMA integrity_check");
  ASSERT_TRUE(integrity.Step());
  EXPECT_EQ(integrity.Text(0), "ok");
}

TEST_F(HistoryWriterFaultTest, ALockedDatabaseIsRetriedUntilReleased) {
  HistoryWriterOptions options = WriterOptions();
  options.queue_capacity = 10;
  HistoryWriter& writer = StartWriter(options);
  SqliteConnection other = RawConnection();
  other.Exec("BEGIN EXCLUSIVE");

  ASSERT_TRUE(writer.Enqueue(MakeTransition("pod", "SERVING", At(1))));
  EXPECT_FALSE(writer.FlushFor(milliseconds(0)));  // starts the write, does not wait for it
  ASSERT_TRUE(PollUntil([&] { return Errors("busy") >= 5; }));  // beyond max_attempts
  EXPECT_FALSE(writer.Healthy());
  EXPECT_THAT(writer.LastError(), HasSubstr("locked"));

  // Callers keep going: the queue fills and drops, nothing blocks.
  int accepted = 0;
  for (int i = 0; i < 20; ++i) accepted += writer.Enqueue(MakeTransition("pod", "X", At(2)));
  EXPECT_EQ(accepted, 10);
  EXPECT_EQ(Dropped("queue_full"), 10);

  other.Exec("COMMIT");
  writer.Flush();

  EXPECT_TRUE(writer.Healthy());
  EXPECT_EQ(CountRows("health_transitions"), 11);
  EXPECT_EQ(Dropped("write_failed"), 0);
}

TEST_F(HistoryWriterFaultTest, StopGivesUpOnALockThatIsNeverReleased) {
  HistoryWriter& writer = StartWriter();
  SqliteConnection other = RawConnection();
  other.Exec("BEGIN EXCLUSIVE");
  ASSERT_TRUE(writer.Enqueue(MakeTransition("pod", "SERVING", At(1))));
  writer.FlushFor(milliseconds(0));
  ASSERT_TRUE(PollUntil([&] { return Errors("busy") >= 1; }));

  writer.Stop();  // bounded: max_attempts once stopping

  EXPECT_EQ(Dropped("write_failed"), 1);
  other.Exec("ROLLBACK");
}

TEST_F(HistoryWriterFaultTest, RetentionOnALockedDatabaseFailsWithoutStoppingWrites) {
  HistoryWriter& writer = StartWriter();
  SqliteConnection other = RawConnection();
  other.Exec("BEGIN EXCLUSIVE");
  Result<int64_t> result = writer.ApplyRetention(At(100));
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(Metric("fleetgate_storage_errors_total", {{"op", "retention"}, {"reason", "busy"}}), 1);
  other.Exec("COMMIT");
  ASSERT_TRUE(writer.Enqueue(MakeTransition("pod", "SERVING", At(1))));
  writer.Flush();
  EXPECT_TRUE(writer.Healthy());
}

}  // namespace
}  // namespace fleetgate::storage
