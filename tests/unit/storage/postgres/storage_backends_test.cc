// The storage behaviour both backends share, typed over SQLite and a real PostgreSQL: history
// written through the sink and read back newest first with keyset paging, last states, rules,
// active alert states, alert history, availability and retention.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "backend_fixture.h"
#include "writer_fixture.h"

namespace fleetgate::storage {
namespace {

template <typename Backend>
class StorageBackendTest : public ::testing::Test {
 protected:
  Backend backend_;
};

class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(StorageBackendTest, Backends, BackendNames);

TYPED_TEST(StorageBackendTest, ReadsWrittenTransitionsNewestFirst) {
  auto& b = this->backend_;
  for (int i = 0; i < 5; ++i) b.sink().Enqueue(MakeTransition("pod-a", "SERVING", At(100 + i)));
  b.sink().Enqueue(MakeTransition("pod-b", "NOT_SERVING", At(103), "checkout", "SERVING"));
  b.sink().Enqueue(MakeTransition("pod-a", "SERVING", At(104), "payments"));
  b.Flush();

  TransitionQuery query;
  query.service = "checkout";
  auto page = b.source().QueryTransitions(query);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page.value().transitions.size(), 6u);
  EXPECT_TRUE(page.value().next_cursor.empty());
  EXPECT_EQ(page.value().transitions[0].time, At(104));
  EXPECT_EQ(page.value().transitions[1].instance, "pod-b");  // same second, written later
  EXPECT_EQ(page.value().transitions[1].from, "SERVING");
  EXPECT_EQ(page.value().transitions[1].to, "NOT_SERVING");
  EXPECT_EQ(page.value().transitions[1].detail, "detail");
  EXPECT_EQ(page.value().transitions.back().time, At(100));

  query.instance = "pod-b";
  EXPECT_EQ(b.source().QueryTransitions(query).value().transitions.size(), 1u);
}

// storage.durable_ack on either backend: the flush interval is an hour, so only the waiter's
// wake commits, and the rows are readable when it returns.
TYPED_TEST(StorageBackendTest, AwaitCommitReturnsOnceTheWritesAreCommitted) {
  auto& b = this->backend_;
  EXPECT_EQ(b.sink().LastAccepted(), 0u);
  for (int i = 0; i < 3; ++i) b.sink().Enqueue(MakeTransition("pod-a", "SERVING", At(100 + i)));
  const uint64_t seq = b.sink().LastAccepted();
  EXPECT_EQ(seq, 3u);
  EXPECT_EQ(b.sink().AwaitCommit(seq, std::chrono::steady_clock::now()), CommitOutcome::kPending);
  EXPECT_EQ(b.sink().AwaitCommit(seq, std::chrono::steady_clock::now() + std::chrono::seconds(30)),
            CommitOutcome::kCommitted);
  TransitionQuery query;
  query.service = "checkout";
  Result<TransitionPage> page = b.source().QueryTransitions(query);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page.value().transitions.size(), 3u);
}

TYPED_TEST(StorageBackendTest, PagesThroughHistoryWithCursorsWithoutGapsOrRepeats) {
  auto& b = this->backend_;
  for (int i = 0; i < 250; ++i) {
    b.sink().Enqueue(MakeTransition("pod-" + std::to_string(i % 7), "SERVING", At(i / 3)));
  }
  b.Flush();
  TransitionQuery query;
  query.service = "checkout";
  query.limit = 100;
  int pages = 0;
  auto all = ReadAllPages(
      query, [&](const TransitionQuery& q) { return b.source().QueryTransitions(q); }, &pages);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 250u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i - 1].time, all[i].time);
}

TYPED_TEST(StorageBackendTest, LimitsARangeAndRejectsABadCursorOrLimit) {
  auto& b = this->backend_;
  for (int i = 0; i < 10; ++i) b.sink().Enqueue(MakeTransition("pod", "SERVING", At(i)));
  b.Flush();
  TransitionQuery query;
  query.service = "checkout";
  query.from = At(3);
  query.to = At(6);
  auto page = b.source().QueryTransitions(query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page.value().transitions.size(), 3u);
  EXPECT_EQ(page.value().transitions.front().time, At(5));

  query.cursor = "not-a-cursor";
  EXPECT_EQ(b.source().QueryTransitions(query).error().code, ErrorCode::kInvalidArgument);
  query.cursor.clear();
  query.limit = 0;
  EXPECT_EQ(b.source().QueryTransitions(query).error().code, ErrorCode::kInvalidArgument);
}

TYPED_TEST(StorageBackendTest, KeepsTheLastStateOfEachInstanceAndForgetsDeletedOnes) {
  auto& b = this->backend_;
  InstanceState state{"checkout", "pod-b",          "SERVING",
                      "ok",       "1.2.3",          At(10),
                      At(20),     R"({"db":"ok"})", std::chrono::milliseconds(30000)};
  b.sink().Enqueue(state);
  state.instance = "pod-a";
  b.sink().Enqueue(state);
  state.status = "NOT_SERVING";
  state.last_seen = At(25);
  b.sink().Enqueue(state);
  state.instance = "pod-c";
  b.sink().Enqueue(state);
  b.sink().EnqueueDelete("checkout", "pod-c");
  b.Flush();

  auto states = b.source().LoadInstanceStates();
  ASSERT_TRUE(states.ok()) << states.error().message;
  ASSERT_EQ(states.value().size(), 2u);
  const InstanceState& a = states.value()[0];
  EXPECT_EQ(a.instance, "pod-a");
  EXPECT_EQ(a.status, "NOT_SERVING");
  EXPECT_EQ(a.last_seen, At(25));
  EXPECT_EQ(a.status_since, At(10));
  EXPECT_EQ(a.version, "1.2.3");
  EXPECT_EQ(a.checks_json, R"({"db":"ok"})");
  EXPECT_EQ(a.ttl, std::chrono::milliseconds(30000));
  EXPECT_EQ(states.value()[1].instance, "pod-b");
}

TYPED_TEST(StorageBackendTest, CreatesReadsUpdatesAndDeletesRules) {
  RuleRepository& rules = this->backend_.rules();
  ASSERT_TRUE(rules.Insert("b-rule", R"({"v":1})", At(1)).ok());
  auto inserted = rules.Insert("a-rule", R"({"v":2})", At(2));
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  EXPECT_EQ(rules.Insert("a-rule", "{}", At(3)).error().code, ErrorCode::kAlreadyExists);

  auto updated = rules.Update("a-rule", R"({"v":3})", At(4));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated.value().created, At(2));
  EXPECT_EQ(updated.value().updated, At(4));
  EXPECT_EQ(rules.Get("a-rule").value().definition_json, R"({"v":3})");
  EXPECT_EQ(rules.Update("missing", "{}", At(5)).error().code, ErrorCode::kNotFound);

  auto list = rules.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value().size(), 2u);
  EXPECT_EQ(list.value()[0].name, "a-rule");

  EXPECT_TRUE(rules.Delete("a-rule").ok());
  EXPECT_EQ(rules.Delete("a-rule").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(rules.Get("a-rule").error().code, ErrorCode::kNotFound);
}

TYPED_TEST(StorageBackendTest, ReplacesTheActiveAlertsOfARule) {
  auto& b = this->backend_;
  AlertStateRecord firing{R"({"service":"a"})", kAlertFiring, At(1), At(2), std::nullopt, 3.5};
  AlertStateRecord pending{R"({"service":"b"})", kAlertPending, At(3),
                           std::nullopt,         std::nullopt,  std::nan("")};
  b.sink().Enqueue(AlertStates{"down", {pending, firing}});
  b.sink().Enqueue(AlertStates{"gone", {firing}});
  b.sink().Enqueue(AlertStates{"gone", {}});
  b.Flush();

  auto states = b.source().LoadAlertStates();
  ASSERT_TRUE(states.ok()) << states.error().message;
  ASSERT_EQ(states.value().size(), 1u);
  const AlertStates& down = states.value()[0];
  EXPECT_EQ(down.rule, "down");
  ASSERT_EQ(down.alerts.size(), 2u);
  EXPECT_EQ(down.alerts[0].labels_json, R"({"service":"a"})");
  EXPECT_EQ(down.alerts[0].state, kAlertFiring);
  EXPECT_EQ(down.alerts[0].fired_at, At(2));
  EXPECT_EQ(down.alerts[0].value, 3.5);
  EXPECT_FALSE(down.alerts[1].fired_at.has_value());
  EXPECT_TRUE(std::isnan(down.alerts[1].value));
}

TYPED_TEST(StorageBackendTest, PagesTheAlertHistoryOfOneRuleOrAll) {
  auto& b = this->backend_;
  for (int i = 0; i < 15; ++i) {
    AlertTransition t{
        i % 3 == 0 ? "other" : "down", "{}", kAlertPending, kAlertFiring, std::nullopt, At(i)};
    if (i == 14) t.value = 2.5;
    b.sink().Enqueue(t);
  }
  b.Flush();
  AlertHistoryQuery query;
  query.limit = 4;
  int pages = 0;
  auto all = ReadAllPages(
      query, [&](const AlertHistoryQuery& q) { return b.source().QueryAlertHistory(q); }, &pages);
  EXPECT_EQ(all.size(), 15u);
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(all[0].value, 2.5);
  query.rule = "other";
  EXPECT_EQ(ReadAllPages(
                query, [&](const AlertHistoryQuery& q) { return b.source().QueryAlertHistory(q); },
                &pages)
                .size(),
            5u);
}

TYPED_TEST(StorageBackendTest, ComputesAvailabilityOverAWindow) {
  auto& b = this->backend_;
  b.sink().Enqueue(MakeTransition("pod", "SERVING", At(0)));
  b.sink().Enqueue(MakeTransition("pod", "NOT_SERVING", At(60), "checkout", "SERVING"));
  b.sink().Enqueue(MakeTransition("pod", "SERVING", At(90), "checkout", "NOT_SERVING"));
  b.Flush();
  auto report = b.source().Availability("checkout", At(30), At(130));
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report.value().instances.size(), 1u);
  EXPECT_EQ(report.value().total.observed, std::chrono::seconds(100));
  EXPECT_DOUBLE_EQ(*report.value().total.serving_share, 0.7);
  EXPECT_EQ(report.value().total.transitions, 2);
  EXPECT_EQ(b.source().Availability("checkout", At(2), At(1)).error().code,
            ErrorCode::kInvalidArgument);
}

// The status before the window is each instance's own, whether it changed long before, just
// before or only within the window; another service's instances never count.
TYPED_TEST(StorageBackendTest, ComputesAvailabilityOfSeveralInstances) {
  auto& b = this->backend_;
  b.sink().Enqueue(MakeTransition("a", "SERVING", At(0)));
  b.sink().Enqueue(MakeTransition("a", "NOT_SERVING", At(10), "checkout", "SERVING"));
  b.sink().Enqueue(MakeTransition("b", "NOT_SERVING", At(5)));
  b.sink().Enqueue(MakeTransition("b", "SERVING", At(99), "checkout", "NOT_SERVING"));
  b.sink().Enqueue(MakeTransition("c", "SERVING", At(150)));  // only within the window
  b.sink().Enqueue(MakeTransition("d", "SERVING", At(1), "billing"));
  b.Flush();
  auto report = b.source().Availability("checkout", At(100), At(200));
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report.value().instances.size(), 3u);
  const auto& instances = report.value().instances;
  EXPECT_EQ(instances[0].instance, "a");
  EXPECT_DOUBLE_EQ(*instances[0].stats.serving_share, 0.0);
  EXPECT_EQ(instances[1].instance, "b");
  EXPECT_DOUBLE_EQ(*instances[1].stats.serving_share, 1.0);
  EXPECT_EQ(instances[2].instance, "c");
  EXPECT_EQ(instances[2].stats.observed, std::chrono::seconds(50));
  EXPECT_EQ(report.value().total.observed, std::chrono::seconds(250));
}

TYPED_TEST(StorageBackendTest, RetentionDeletesOnlyOldHistory) {
  auto& b = this->backend_;
  for (int i = 0; i < 30; ++i) b.sink().Enqueue(MakeTransition("pod", "SERVING", At(i)));
  b.sink().Enqueue(AlertTransition{"down", "{}", kAlertPending, kAlertFiring, 1.0, At(5)});
  b.Flush();
  auto deleted = b.ApplyRetention(At(20));
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted.value(), 21);
  TransitionQuery query;
  query.service = "checkout";
  EXPECT_EQ(b.source().QueryTransitions(query).value().transitions.size(), 10u);
}

}  // namespace
}  // namespace fleetgate::storage
