#pragma once
// HealthRegistry is the live fleet: every known instance, its last reported health, TTL expiry to
// STALE (Consul-style TTL checks) and forgetting of long-stale instances. Each status change is
// handed to an optional TransitionSink. Thread-safe; all methods may be called concurrently.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "health/instance.h"

namespace fleetgate::health {

// Receives transitions in the order they happen, under the registry's lock: it must be quick and
// must not call back into the registry.
class TransitionSink {
 public:
  virtual ~TransitionSink() = default;
  virtual void OnTransition(const StatusChange& transition, const Instance* now) = 0;
  // A stale instance left the registry after forget_after (no transition): its persisted last
  // state goes too, or every instance name ever seen would stay in storage and come back at a
  // restart.
  virtual void OnForgotten(const Instance& instance) { (void)instance; }
};

// The gateway's budget of exported series (limits.max_series_total), shared with the metric
// store: each instance the registry holds takes kSeriesPerInstance of it, so a flood of
// instances cannot go around the series cap. Implementations are thread-safe.
class SeriesBudget {
 public:
  virtual ~SeriesBudget() = default;
  // Takes `series` from the budget; false (nothing taken) when it would go over the limit.
  virtual bool TryReserve(size_t series) = 0;
  // Takes `series` even beyond the limit (instances restored after a restart).
  virtual void Reserve(size_t series) = 0;
  virtual void Release(size_t series) = 0;
};

// fleetgate_instance_up and the six fleetgate_instance_status series of one instance.
inline constexpr size_t kSeriesPerInstance = 7;

struct RegistryOptions {
  // Defaults: the health.* configuration keys.
  std::chrono::milliseconds default_ttl = config::Defaults().health.default_ttl;
  std::chrono::milliseconds max_ttl = config::Defaults().health.max_ttl;
  std::chrono::milliseconds forget_after = config::Defaults().health.forget_after;
  size_t max_instances = config::Defaults().health.max_instances;
  size_t max_instances_per_service = config::Defaults().health.max_instances_per_service;
};

class HealthRegistry {
 public:
  // `budget` (may be null: none) is charged kSeriesPerInstance per instance held.
  HealthRegistry(RegistryOptions options, std::shared_ptr<const Clock> clock,
                 TransitionSink* sink = nullptr, SeriesBudget* budget = nullptr);

  // Any event from the instance: it is known from now on and its last-seen time moves. False
  // (nothing registered) when the instance is new and max_instances,
  // max_instances_per_service or the series budget is reached.
  bool Seen(std::string_view service, std::string_view instance, std::string_view version);
  // A health event: sets the status (a transition when it changes) and renews the TTL. False, as
  // Seen, at the instance caps.
  bool Report(std::string_view service, std::string_view instance, std::string_view version,
              const HealthReport& report);
  // Puts a known instance in maintenance until `until` (a transition to MAINTENANCE with the
  // reason as detail); on one already in maintenance it moves the end and the reason. It ends by
  // itself at `until` (Sweep). False when the instance is unknown.
  bool StartMaintenance(std::string_view service, std::string_view instance, TimePoint until,
                        std::string reason);
  // Ends a maintenance window now: back to the status it reported meanwhile (STALE when its TTL
  // lapsed). False when the instance is unknown or not in maintenance.
  bool EndMaintenance(std::string_view service, std::string_view instance);
  // Lapses instances past their TTL to STALE, ends maintenance windows that are over and forgets
  // instances stale for forget_after.
  void Sweep();
  // Removes an instance (a transition to nothing); false when unknown.
  bool Deregister(std::string_view service, std::string_view instance);
  // Puts back an instance as persisted before a restart; no transition is emitted.
  void Restore(Instance instance);
  // True when the instance is known, or new and Seen would register it now (under the caps and
  // the series budget). The ingest path asks first, so that events of an instance over a cap
  // are refused (instance_limit) rather than counted for an instance the registry cannot hold.
  bool Admissible(std::string_view service, std::string_view instance) const;

  std::vector<ServiceSummary> Services() const;
  std::vector<Instance> ServiceInstances(std::string_view service) const;  // empty: unknown
  std::optional<Instance> Find(std::string_view service, std::string_view instance) const;
  std::vector<Instance> Snapshot() const;
  size_t size() const;

  const RegistryOptions& options() const { return options_; }

 private:
  using Instances = std::map<std::string, Instance, std::less<>>;
  // The entry, created when new: a new instance's first sighting is one transition from nothing
  // to `first_status` (UNKNOWN for a heartbeat, the reported status for a health report);
  // nullptr when new and an instance cap is reached.
  Instance* Touch(std::string_view service, std::string_view instance, std::string_view version,
                  TimePoint now, Status first_status = Status::kUnknown,
                  const std::string& first_detail = "");
  void SetStatus(Instance& instance, Status status, const std::string& detail, TimePoint when);
  // The reported status: set directly, or kept aside while the instance is in maintenance.
  void SetReported(Instance& instance, Status status, const std::string& detail, TimePoint when);
  void FinishMaintenance(Instance& instance, TimePoint when, const char* why);
  Instance* FindLocked(std::string_view service, std::string_view instance);
  // Room for one more instance of `service` under the instance caps (the budget aside).
  bool RoomLocked(std::string_view service) const;
  void Forgotten(size_t instances);  // gives their series back to the budget
  void Emit(const StatusChange& transition, const Instance* instance);

  const RegistryOptions options_;
  const std::shared_ptr<const Clock> clock_;
  TransitionSink* const sink_;
  SeriesBudget* const budget_;
  mutable std::mutex mutex_;
  std::map<std::string, Instances, std::less<>> services_;
  size_t instance_count_ = 0;  // over every service
};

}  // namespace fleetgate::health
