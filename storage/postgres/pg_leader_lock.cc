#include "storage/postgres/pg_leader_lock.h"

#include <utility>

namespace fleetgate::storage {

PgLeaderLock::PgLeaderLock(PgConnectOptions options, int64_t key)
    : options_(std::move(options)), key_(key) {}

bool PgLeaderLock::Poll() {
  try {
    if (!connection_ || !connection_->ok()) {
      held_ = false;
      connection_.reset();
      connection_.emplace(options_);
      // The server side too: a leader whose node vanished loses the lock within ~15 s.
      connection_->Exec("SET tcp_keepalives_idle = 5");
      connection_->Exec("SET tcp_keepalives_interval = 2");
      connection_->Exec("SET tcp_keepalives_count = 3");
      connection_->Exec("SET tcp_user_timeout = 15000");
    }
    if (held_) {
      // The lock is the session's: a round trip proves the session (and so the lock) is alive,
      // and pg_locks that no one (an administrator's pg_advisory_unlock_all) released it.
      PgRows rows = connection_->Exec(
          "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
          " AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = $1",
          {ToParam(key_)});
      held_ = rows.Int64(0, 0) > 0;
    } else {
      PgRows rows = connection_->Exec("SELECT pg_try_advisory_lock($1)", {ToParam(key_)});
      held_ = rows.Text(0, 0) == "t";
    }
    last_error_.clear();
  } catch (const PgError& e) {
    held_ = false;
    connection_.reset();  // a session in doubt must not keep a lock we no longer act on
    last_error_ = e.what();
  }
  return held_;
}

void PgLeaderLock::Release() {
  held_ = false;
  connection_.reset();
}

}  // namespace fleetgate::storage
