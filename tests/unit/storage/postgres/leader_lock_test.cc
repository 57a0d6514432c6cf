// Leader election on the advisory lock, against a real PostgreSQL: one holder at a time, taken
// over when the holder's session ends, and lost at once by a holder whose session breaks.

#include <gtest/gtest.h>

#include "backend_fixture.h"
#include "storage/postgres/pg_leader_lock.h"
#include "support/postgres_server.h"

namespace fleetgate::storage {
namespace {

class PgLeaderLockTest : public ::testing::Test {
 protected:
  PgConnectOptions Connect() const { return PgConnectOptions{url_, "", 5}; }
  std::string url_ = testing::SharedPostgres().Url();
  int64_t key_ = 4242000 + getpid();
};

TEST_F(PgLeaderLockTest, GrantsTheLockToOneSessionAtATime) {
  PgLeaderLock first(Connect(), key_);
  PgLeaderLock second(Connect(), key_);
  EXPECT_TRUE(first.Poll());
  EXPECT_FALSE(second.Poll());
  EXPECT_TRUE(first.Poll());  // still held
  EXPECT_FALSE(second.Poll());
}

TEST_F(PgLeaderLockTest, HandsTheLockOverWhenTheHolderReleasesIt) {
  PgLeaderLock first(Connect(), key_);
  PgLeaderLock second(Connect(), key_);
  ASSERT_TRUE(first.Poll());
  first.Release();
  EXPECT_TRUE(PollUntil([&] { return second.Poll(); }));
  EXPECT_FALSE(first.Poll());
}

TEST_F(PgLeaderLockTest, AHolderWhoseSessionIsKilledLosesTheLockAtOnce) {
  PgLeaderLock first(Connect(), key_);
  ASSERT_TRUE(first.Poll());
  PgConnection admin(Connect());
  admin.Exec(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
      " AND ((classid::bigint << 32) | objid::bigint) = $1",
      {ToParam(key_)});
  EXPECT_FALSE(first.Poll());
  EXPECT_NE(first.last_error(), "");
  PgLeaderLock second(Connect(), key_);
  EXPECT_TRUE(second.Poll());
}

}  // namespace
}  // namespace fleetgate::storage
