#pragma once
// Exports the live fleet at scrape time: fleetgate_instance_up{service,instance} (1 only when
// SERVING), fleetgate_instance_status{service,instance,status} (one-hot over every status) and
// fleetgate_service_instances{service,status}. Thread-safe.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

#include "health/health_registry.h"

namespace fleetgate::health {

class HealthCollector final : public prometheus::Collectable {
 public:
  explicit HealthCollector(const HealthRegistry& registry) : registry_(registry) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const HealthRegistry& registry_;
};

}  // namespace fleetgate::health
