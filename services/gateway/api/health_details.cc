#include "api/health_details.h"

#include <algorithm>

namespace fleetgate::api {

void HealthDetails::Add(std::string name, std::function<ComponentHealth()> check) {
  entries_.push_back({std::move(name), std::move(check)});
}

std::vector<ComponentHealth> HealthDetails::Evaluate() const {
  std::vector<ComponentHealth> out;
  for (const auto& entry : entries_) {
    ComponentHealth verdict = entry.check();
    verdict.name = entry.name;
    out.push_back(std::move(verdict));
  }
  return out;
}

health::ServiceHealth Worst(health::ServiceHealth a, health::ServiceHealth b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

}  // namespace fleetgate::api
