#include "storage/rule_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "storage/history_writer.h"
#include "storage_fixture.h"

namespace fleetgate::storage {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

class RuleStoreTest : public StorageTest {
 protected:
  void SetUp() override { Open(); }

  void Open(RuleStoreOptions options = {}) {
    store_.reset();
    database_ = std::make_unique<Database>(Options());
    store_ = std::make_unique<RuleStore>(*database_, registry_, options);
  }

  double BusyErrors() {
    return MetricValue(registry_, "fleetgate_storage_errors_total",
                       {{"op", "rules"}, {"reason", "busy"}});
  }

  std::unique_ptr<Database> database_;
  std::unique_ptr<RuleStore> store_;
};

TEST_F(RuleStoreTest, InsertsAndReadsBackARule) {
  Result<StoredRule> inserted = store_->Insert("HighQueue", R"({"kind":"metric"})", At(10));
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  EXPECT_EQ(inserted.value().created, At(10));
  EXPECT_EQ(inserted.value().updated, At(10));

  Result<StoredRule> got = store_->Get("HighQueue");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value().name, "HighQueue");
  EXPECT_EQ(got.value().definition_json, R"({"kind":"metric"})");
  EXPECT_EQ(got.value().created, At(10));
  EXPECT_EQ(got.value().updated, At(10));
}

TEST_F(RuleStoreTest, ListsRulesSortedByName) {
  for (const char* name : {"b", "C", "a"}) ASSERT_TRUE(store_->Insert(name, "{}", At(1)).ok());
  Result<std::vector<StoredRule>> rules = store_->List();
  ASSERT_TRUE(rules.ok());
  std::vector<std::string> names;
  for (const StoredRule& rule : rules.value()) names.push_back(rule.name);
  EXPECT_EQ(names, (std::vector<std::string>{"C", "a", "b"}));  // binary order
}

TEST_F(RuleStoreTest, ListsNothingOnAnEmptyDatabase) {
  Result<std::vector<StoredRule>> rules = store_->List();
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE(rules.value().empty());
}

TEST_F(RuleStoreTest, InsertingAnExistingNameIsAConflictAndChangesNothing) {
  ASSERT_TRUE(store_->Insert("r", "first", At(1)).ok());
  Result<StoredRule> again = store_->Insert("r", "second", At(2));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().Reason(), "rule_exists");
  EXPECT_THAT(again.error().message, HasSubstr("r"));
  EXPECT_EQ(store_->Get("r").value().definition_json, "first");
  EXPECT_EQ(store_->Get("r").value().updated, At(1));
}

TEST_F(RuleStoreTest, UpdateReplacesTheDefinitionAndKeepsCreated) {
  ASSERT_TRUE(store_->Insert("r", "v1", At(1)).ok());
  Result<StoredRule> updated = store_->Update("r", "v2", TimePoint(milliseconds(5123)));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated.value().created, At(1));
  EXPECT_EQ(updated.value().updated, TimePoint(milliseconds(5123)));
  StoredRule got = store_->Get("r").value();
  EXPECT_EQ(got.definition_json, "v2");
  EXPECT_EQ(got.created, At(1));
  EXPECT_EQ(got.updated, TimePoint(milliseconds(5123)));
}

TEST_F(RuleStoreTest, UnknownNamesAreNotFound) {
  ASSERT_TRUE(store_->Insert("known", "{}", At(1)).ok());
  EXPECT_EQ(store_->Get("unknown").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Update("unknown", "{}", At(2)).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Delete("unknown").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Get("unknown").error().Reason(), "rule_not_found");
  EXPECT_EQ(store_->List().value().size(), 1u);
}

TEST_F(RuleStoreTest, DeleteRemovesOnlyThatRule) {
  ASSERT_TRUE(store_->Insert("a", "{}", At(1)).ok());
  ASSERT_TRUE(store_->Insert("b", "{}", At(1)).ok());
  Result<bool> deleted = store_->Delete("a");
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted.value());
  EXPECT_EQ(store_->Get("a").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->Get("b").ok());
  EXPECT_EQ(store_->Delete("a").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->Insert("a", "again", At(3)).ok());  // the name is free again
}

TEST_F(RuleStoreTest, RulesSurviveReopeningTheDatabase) {
  ASSERT_TRUE(store_->Insert("a", "one", At(1)).ok());
  ASSERT_TRUE(store_->Update("a", "two", At(2)).ok());
  Open();
  StoredRule got = store_->Get("a").value();
  EXPECT_EQ(got.definition_json, "two");
  EXPECT_EQ(got.created, At(1));
  EXPECT_EQ(got.updated, At(2));
}

TEST_F(RuleStoreTest, AWriteWaitsForALockHeldLongerThanTheBusyTimeout) {
  // The fixture's busy_timeout is 20 ms; the lock is held until the store has been refused
  // at least once, then released: the write must still succeed.
  SqliteConnection other = RawConnection();
  other.Exec("BEGIN EXCLUSIVE");
  std::optional<Result<StoredRule>> inserted;
  std::thread writer([&] { inserted = store_->Insert("r", "{}", At(1)); });
  bool refused = PollUntil([&] { return BusyErrors() >= 1; });
  other.Exec("COMMIT");
  writer.join();
  ASSERT_TRUE(refused);
  ASSERT_TRUE(inserted->ok()) << inserted->error().message;
  EXPECT_EQ(store_->Get("r").value().definition_json, "{}");
}

TEST_F(RuleStoreTest, WritesSucceedWhileTheHistoryWriterCommitsLargeBatches) {
  HistoryWriterOptions options;
  options.queue_capacity = 100000;
  options.max_transaction_rows = 50000;
  options.flush_interval = std::chrono::hours(1);
  options.retention = milliseconds(0);
  options.batch_rows = 20000;
  HistoryWriter writer(*database_, options, std::make_shared<ManualClock>(At(0)), registry_);
  for (int i = 0; i < 100000; ++i) {
    ASSERT_TRUE(writer.Enqueue(MakeTransition("pod-" + std::to_string(i % 200), "SERVING", At(i))));
  }
  std::atomic<bool> flushed{false};
  std::thread flusher([&] {
    writer.Flush();
    flushed = true;
  });
  int writes = 0;
  for (; !flushed || writes < 10; ++writes) {
    std::string name = "r" + std::to_string(writes);
    Result<StoredRule> inserted = store_->Insert(name, "{}", At(writes));
    Result<StoredRule> updated = store_->Update(name, "{}", At(writes + 1));
    if (!inserted.ok() || !updated.ok()) {  // no ASSERT: the flusher must be joined
      ADD_FAILURE() << (inserted.ok() ? updated : inserted).error().message;
      break;
    }
  }
  flusher.join();
  EXPECT_EQ(CountRows("health_transitions"), 100000);
  EXPECT_EQ(CountRows("alert_rules"), writes);
}

TEST_F(RuleStoreTest, GivesUpAsUnavailableAfterTheBusyDeadline) {
  Open(RuleStoreOptions{milliseconds(0)});
  SqliteConnection other = RawConnection();
  other.Exec("BEGIN EXCLUSIVE");
  Result<StoredRule> inserted = store_->Insert("r", "{}", At(1));
  other.Exec("ROLLBACK");
  ASSERT_FALSE(inserted.ok());
  EXPECT_EQ(inserted.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(inserted.error().message, HasSubstr("locked"));
  EXPECT_EQ(BusyErrors(), 1);
  EXPECT_TRUE(store_->Insert("r", "{}", At(1)).ok());  // and works once the lock is gone
}

TEST_F(RuleStoreTest, ReportsABrokenDatabaseAsUnavailableWithoutThrowing) {
  ASSERT_TRUE(store_->List().ok());  // its statements are prepared before the table goes
  RawConnection().Exec("DROP TABLE alert_rules");
  Result<std::vector<StoredRule>> rules = store_->List();
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(rules.error().message, HasSubstr("alert_rules"));
  EXPECT_EQ(store_->Insert("r", "{}", At(1)).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(MetricValue(registry_, "fleetgate_storage_errors_total",
                        {{"op", "rules"}, {"reason", "other"}}),
            2);
}

}  // namespace
}  // namespace fleetgate::storage
