#pragma once
// Leadership: which replica of a PostgreSQL-backed gateway group acts. A PeriodicWorker polls
// a session advisory lock (PgLeaderLock) on a connection of its own; when this process takes
// the lock `on_acquired` runs (on the worker's thread, before the next poll; when it returns
// false the lock is released and taken again at a later poll), when a held lock is lost (the
// session broke) `on_lost` runs at once, and when PostgreSQL answers but another session holds
// the lock `on_standby` runs once (again after each loss). Polling goes on after a loss, so a
// replica rejoins by itself when the server is back. The `fleetgate_leader` gauge is 1 while
// leading. Start/Stop are thread-safe; leader() may be read from any thread.

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "core/clock.h"
#include "core/periodic_worker.h"
#include "storage/postgres/pg_leader_lock.h"

namespace fleetgate {

class Leadership {
 public:
  Leadership(storage::PgConnectOptions options, std::chrono::milliseconds poll_interval,
             std::shared_ptr<const Clock> clock, prometheus::Registry& registry,
             std::function<bool()> on_acquired, std::function<void()> on_lost,
             std::function<void()> on_standby);
  ~Leadership();  // Stop()

  void Start();  // polls at once, then every poll_interval
  void Stop();   // stops polling and ends the lock's session
  bool leader() const { return leader_.load(); }

 private:
  void Poll();

  storage::PgLeaderLock lock_;
  const std::function<bool()> on_acquired_;
  const std::function<void()> on_lost_;
  const std::function<void()> on_standby_;
  prometheus::Gauge* gauge_;
  std::atomic<bool> leader_{false};
  bool reported_unreachable_ = false;
  bool reported_standby_ = false;
  PeriodicWorker worker_;
};

}  // namespace fleetgate
