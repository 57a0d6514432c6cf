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
