#pragma once
// Exports fleetgate_service_health{service,status}: one-hot over HEALTHY, DEGRADED, UNHEALTHY per
// service, by its policy. Reads the registry at scrape time; thread-safe as the registry is.

#include <prometheus/collectable.h>

#include "health/health_registry.h"
#include "health/service_policy.h"

namespace fleetgate::health {

class ServiceHealthCollector final : public prometheus::Collectable {
 public:
  ServiceHealthCollector(const HealthRegistry& registry, const ServicePolicies& policies)
      : registry_(registry), policies_(policies) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const HealthRegistry& registry_;
  const ServicePolicies& policies_;
};

}  // namespace fleetgate::health
