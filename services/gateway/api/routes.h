#pragma once
// Registers fleetgate's REST routes on a Router: probes and /metrics, and the fleet API under
// /api/v1. The handlers only read shared state through thread-safe components.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "alerts/rule_catalog.h"
#include "alerts/rule_evaluator.h"
#include "api/health_details.h"
#include "api/probes.h"
#include "core/clock.h"
#include "core/error.h"
#include "health/health_registry.h"
#include "health/service_policy.h"
#include "http/router.h"
#include "metrics/exposition.h"
#include "storage/history_store.h"

namespace fleetgate::api {

struct ApiContext {
  health::HealthRegistry* registry;
  const metrics::Exposition* exposition;
  const Probes* probes;
  std::shared_ptr<const Clock> clock;
  std::string version;
  TimePoint started_at;
  const storage::HistorySource* history = nullptr;
  alerts::RuleCatalog* rules = nullptr;
  const alerts::RuleEvaluator* evaluator = nullptr;
  const health::ServicePolicies* policies = nullptr;  // none: services carry no health
  const HealthDetails* components = nullptr;          // none: /health/details lists none
  // Commits the history writes queued so far, waiting at most the given time (false on
  // timeout): history reads call it first, so a transition the registry shows is in them.
  std::function<bool(std::chrono::milliseconds)> commit_history;
};

// How long a history read waits for the writes queued before it.
inline constexpr std::chrono::milliseconds kHistoryCommitWait{1000};

// Read-your-writes for history reads; a timeout (the database is busy) serves what is stored.
inline void CommitQueuedHistory(const ApiContext& context) {
  if (context.commit_history) context.commit_history(kHistoryCommitWait);
}

void AddProbeRoutes(http::Router& router, const ApiContext& context);
void AddFleetRoutes(http::Router& router, const ApiContext& context);
// PUT/DELETE .../instances/{instance}/maintenance (admin).
void AddMaintenanceRoutes(http::Router& router, const ApiContext& context);
// Health history and availability, from SQLite.
void AddHistoryRoutes(http::Router& router, const ApiContext& context);
// Alert rules, active alerts and the alert history; needs rules, evaluator and history.
void AddAlertRoutes(http::Router& router, const ApiContext& context);

}  // namespace fleetgate::api
