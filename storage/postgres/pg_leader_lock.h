#pragma once
// PgLeaderLock: leader election on a PostgreSQL session advisory lock, held on a connection of
// its own. The lock lives exactly as long as that session: when the process dies or its
// connection breaks, the server releases it and a standby's next Poll takes it. Not
// synchronised: one polling thread.

#include <cstdint>
#include <optional>
#include <string>

#include "storage/postgres/pg_connection.h"

namespace fleetgate::storage {

// The advisory lock key shared by every gateway of one group ("fgleader").
inline constexpr int64_t kDefaultLeaderLockKey = 7378975744091243890;

class PgLeaderLock {
 public:
  PgLeaderLock(PgConnectOptions options, int64_t key = kDefaultLeaderLockKey);

  // Tries to take the lock (connecting first if needed) or, when held, checks that the
  // session still holds it. Returns whether this process holds the lock now; on a broken
  // session it is false at once and the connection is dropped. Never throws.
  bool Poll();
  bool held() const { return held_; }
  // Why the last Poll could not take or keep the lock ("" when it could, or the lock is
  // another session's).
  const std::string& last_error() const { return last_error_; }
  // Ends the session (releasing the lock).
  void Release();

 private:
  const PgConnectOptions options_;
  const int64_t key_;
  std::optional<PgConnection> connection_;
  bool held_ = false;
  std::string last_error_;
};

}  // namespace fleetgate::storage
