#pragma once
// The gateway's own health in the same three words as a service's (HEALTHY, DEGRADED,
// UNHEALTHY): each component (ingest, storage, evaluator, Alertmanager delivery) registers a
// check saying how it is and why, shown by /health/details; /health reports the worst of them
// and of the probes. Checks are registered before serving; Evaluate is thread-safe.

#include <functional>
#include <string>
#include <vector>

#include "health/service_policy.h"

namespace fleetgate::api {

struct ComponentHealth {
  std::string name;
  health::ServiceHealth health = health::ServiceHealth::kHealthy;
  std::string reason;
};

class HealthDetails {
 public:
  void Add(std::string name, std::function<ComponentHealth()> check);
  std::vector<ComponentHealth> Evaluate() const;

 private:
  struct Entry {
    std::string name;
    std::function<ComponentHealth()> check;
  };
  std::vector<Entry> entries_;
};

health::ServiceHealth Worst(health::ServiceHealth a, health::ServiceHealth b);

}  // namespace fleetgate::api
