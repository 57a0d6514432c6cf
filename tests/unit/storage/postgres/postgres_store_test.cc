// PostgreSQL-only behaviour of PostgresStore: migrations are idempotent, a restarted server is
// reconnected to without losing queued writes, and readiness reports the outage meanwhile.

#include "storage/postgres/postgres_store.h"

#include <gtest/gtest.h>

#include "backend_fixture.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_schema.h"
#include "support/postgres_server.h"

namespace fleetgate::storage {
namespace {

class PostgresStoreTest : public ::testing::Test {
 protected:
  prometheus::Registry registry_;
};

TEST_F(PostgresStoreTest, MigratesOnceAndOpensAMigratedDatabaseAgain) {
  PgConnectOptions connect{FreshPostgresDatabase(), "", 5};
  PgConnection connection(connect);
  EXPECT_EQ(MigratePostgres(connection), 0);
  EXPECT_EQ(MigratePostgres(connection), LatestPostgresSchemaVersion());
}

TEST_F(PostgresStoreTest, RefusesADatabaseFromANewerFleetgate) {
  PgConnectOptions connect{FreshPostgresDatabase(), "", 5};
  PgConnection connection(connect);
  MigratePostgres(connection);
  connection.Exec("INSERT INTO fleetgate_schema (version) VALUES (999)");
  EXPECT_THROW(MigratePostgres(connection), std::runtime_error);
}

TEST_F(PostgresStoreTest, RedactsPasswordsInUrls) {
  EXPECT_EQ(RedactUrl("postgresql://fg:s3cret@db:5432/fleet"), "postgresql://fg:***@db:5432/fleet");
  EXPECT_EQ(RedactUrl("host=db password=s3cret user=fg"), "host=db password=*** user=fg");
  EXPECT_EQ(RedactUrl("postgresql://db/fleet?password=s3cret&sslmode=require"),
            "postgresql://db/fleet?password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://fg@db/fleet"), "postgresql://fg@db/fleet");
}

TEST_F(PostgresStoreTest, FailsAtStartUpWhenTheServerCannotBeReached) {
  PostgresStoreOptions options = TestPostgresOptions("postgresql://fleetgate@127.0.0.1:1/none");
  EXPECT_THROW(PostgresStore(options, std::make_shared<SystemClock>(), registry_), PgError);
}

// Runs of transitions go in multi-row INSERTs (500 rows a statement); the order of the queue
// holds across chunk boundaries and around the other writes in the same batch.
TEST_F(PostgresStoreTest, WritesLongRunsOfTransitionsInQueueOrder) {
  PostgresStoreOptions options = TestPostgresOptions(FreshPostgresDatabase());
  options.batch_rows = 5000;
  PostgresStore store(options, std::make_shared<SystemClock>(), registry_);
  constexpr int kRows = 1203;
  for (int i = 1; i <= kRows; ++i) {
    store.Enqueue(MakeTransition("pod", i % 2 ? "SERVING" : "DEGRADED", At(i)));
    if (i == 700) {
      store.Enqueue(InstanceState{"checkout", "pod", "DEGRADED", "", "", At(700), At(700)});
    }
  }
  ASSERT_TRUE(store.FlushFor(std::chrono::seconds(30)));
  std::vector<TransitionRecord> all;
  TransitionQuery query;
  query.service = "checkout";
  query.limit = 1000;
  do {
    auto page = store.QueryTransitions(query);
    ASSERT_TRUE(page.ok()) << page.error().message;
    all.insert(all.end(), page.value().transitions.begin(), page.value().transitions.end());
    query.cursor = page.value().next_cursor;
  } while (!query.cursor.empty());
  ASSERT_EQ(all.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {  // newest first
    EXPECT_EQ(all[i].time, At(kRows - i)) << i;
    EXPECT_EQ(all[i].to, (kRows - i) % 2 ? "SERVING" : "DEGRADED") << i;
  }
  auto states = store.LoadInstanceStates();
  ASSERT_TRUE(states.ok());
  ASSERT_EQ(states.value().size(), 1u);
  EXPECT_EQ(states.value()[0].status_since, At(700));
}

// A server of its own, restarted under the store: writes queued during the outage are
// committed once it is back, and Healthy() is false in between.
TEST_F(PostgresStoreTest, RecoversByItselfWhenTheServerRestarts) {
  testing::PostgresServer server;
  server.Start();
  PostgresStoreOptions options = TestPostgresOptions(server.Url());
  options.flush_interval = std::chrono::milliseconds(20);
  PostgresStore store(options, std::make_shared<SystemClock>(), registry_);
  store.Enqueue(MakeTransition("pod", "SERVING", At(1)));
  ASSERT_TRUE(store.FlushFor(std::chrono::seconds(10)));

  server.Stop();
  for (int i = 2; i <= 50; ++i) store.Enqueue(MakeTransition("pod", "SERVING", At(i)));
  EXPECT_TRUE(PollUntil([&] { return !store.Healthy(); }));
  EXPECT_NE(store.LastError(), "");
  TransitionQuery query;
  query.service = "checkout";
  EXPECT_EQ(store.QueryTransitions(query).error().code, ErrorCode::kUnavailable);
  EXPECT_GT(MetricValue(registry_, "fleetgate_storage_postgres_connection_errors_total"), 0);

  server.Start();
  EXPECT_TRUE(PollUntil([&] { return store.Healthy(); }));
  ASSERT_TRUE(store.FlushFor(std::chrono::seconds(20)));
  auto page = store.QueryTransitions(query);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page.value().transitions.size(), 50u);
}

}  // namespace
}  // namespace fleetgate::storage
