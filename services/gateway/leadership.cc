#include "leadership.h"

#include <prometheus/family.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace fleetgate {

Leadership::Leadership(storage::PgConnectOptions options, std::chrono::milliseconds poll_interval,
                       std::shared_ptr<const Clock> clock, prometheus::Registry& registry,
                       std::function<bool()> on_acquired, std::function<void()> on_lost,
                       std::function<void()> on_standby)
    : lock_(std::move(options)),
      on_acquired_(std::move(on_acquired)),
      on_lost_(std::move(on_lost)),
      on_standby_(std::move(on_standby)),
      gauge_(&prometheus::BuildGauge()
                  .Name("fleetgate_leader")
                  .Help("1 while this replica holds the PostgreSQL leader lock and acts, else 0")
                  .Register(registry)
                  .Add({})),
      worker_("leadership", std::move(clock), poll_interval, [this](TimePoint) { Poll(); }) {}

Leadership::~Leadership() { Stop(); }

void Leadership::Start() {
  worker_.Start();
  worker_.Wake();
}

void Leadership::Stop() {
  worker_.Stop();
  lock_.Release();
  leader_ = false;
  gauge_->Set(0);
}

void Leadership::Poll() {
  if (worker_.stopping()) return;
  const bool held = lock_.Poll();
  if (!lock_.last_error().empty() && !reported_unreachable_) {
    spdlog::warn("leader lock: PostgreSQL unreachable: {}", lock_.last_error());
  }
  reported_unreachable_ = !lock_.last_error().empty();
  if (held == leader_.load()) {
    if (!held && !reported_unreachable_ && !reported_standby_) {
      reported_standby_ = true;
      on_standby_();  // PostgreSQL answers and another session holds the lock
    }
    return;
  }
  reported_standby_ = false;
  if (held) {
    spdlog::info("leadership acquired: this replica is the leader");
    if (!on_acquired_()) {  // rebuilds state before acting
      spdlog::warn("leadership released: the state could not be rebuilt; trying again");
      lock_.Release();
      return;
    }
    leader_ = true;
    gauge_->Set(1);
  } else {
    leader_ = false;
    gauge_->Set(0);
    spdlog::error("leadership lost: the leader lock's PostgreSQL session ended");
    on_lost_();
  }
}

}  // namespace fleetgate
