// The gateway's components as /health/details shows them (see api/health_details.h).

#include "app.h"

namespace fleetgate {
namespace {

using health::ServiceHealth;

// Batches in flight beyond this share of the limit: ingest is DEGRADED (close to refusing).
constexpr double kBusyShare = 0.8;

}  // namespace

void Gateway::RegisterComponents() {
  components_.Add("ingest", [this] {
    if (!serving_.load())
      return api::ComponentHealth{"", ServiceHealth::kUnhealthy, "not accepting reports"};
    const size_t in_flight = processor_.InFlight();
    const size_t limit = config_.limits.max_inflight_batches;
    std::string load =
        std::to_string(in_flight) + " of " + std::to_string(limit) + " batches in flight";
    if (static_cast<double>(in_flight) > kBusyShare * static_cast<double>(limit)) {
      return api::ComponentHealth{"", ServiceHealth::kDegraded, "near its limit: " + load};
    }
    return api::ComponentHealth{"", ServiceHealth::kHealthy, "accepting reports; " + load};
  });
  components_.Add("storage", [this] {
    if (storage_->sink().Healthy()) {
      return api::ComponentHealth{"", ServiceHealth::kHealthy, "writes committing"};
    }
    return api::ComponentHealth{"", ServiceHealth::kUnhealthy,
                                "writes failing: " + storage_->sink().LastError()};
  });
  components_.Add("evaluator", [this] {
    std::vector<std::string> failing;
    for (const auto& entry : rules_->List()) {
      auto status = evaluator_->Status(entry.rule.name);
      if (status && status->health == "err")
        failing.push_back(entry.rule.name + ": " + status->last_error);
    }
    if (failing.empty())
      return api::ComponentHealth{"", ServiceHealth::kHealthy, "every rule evaluates"};
    std::string reason =
        std::to_string(failing.size()) + " rules failing; first " + failing.front();
    return api::ComponentHealth{"", ServiceHealth::kDegraded, reason};
  });
  components_.Add("alertmanager_delivery", [this] {
    if (!alertmanagers_)
      return api::ComponentHealth{"", ServiceHealth::kHealthy, "no Alertmanager configured"};
    return api::ComponentHealth{
        "", ServiceHealth::kHealthy,
        std::to_string(config_.alerting.alertmanagers.size()) +
            " Alertmanagers configured; outcomes in fleetgate_notifications_total"};
  });
}

}  // namespace fleetgate
