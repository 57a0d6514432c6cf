#pragma once
// A service's health by its policy (health.service_policies): HEALTHY when every instance out of
// maintenance is SERVING and at least min_serving serve; UNHEALTHY when fewer than min_serving
// instances are SERVING or DEGRADED, or the share of the others (NOT_SERVING, STALE, UNKNOWN)
// exceeds max_unavailable_ratio; DEGRADED in between. Instances in maintenance count neither way.
// Pure functions and an immutable table; thread-safe.

#include <map>
#include <string>
#include <string_view>

#include "health/instance.h"

namespace fleetgate::health {

enum class ServiceHealth { kHealthy, kDegraded, kUnhealthy };

inline constexpr ServiceHealth kAllServiceHealths[] = {
    ServiceHealth::kHealthy, ServiceHealth::kDegraded, ServiceHealth::kUnhealthy};

std::string_view ServiceHealthName(ServiceHealth health);  // "HEALTHY", ...

struct ServicePolicy {
  size_t min_serving = 1;
  double max_unavailable_ratio = 0.5;
};

struct ServiceVerdict {
  ServiceHealth health = ServiceHealth::kHealthy;
  std::string reason;  // why, in one line
};

ServiceVerdict EvaluateService(const ServiceSummary& summary, const ServicePolicy& policy);

class ServicePolicies {
 public:
  ServicePolicies(ServicePolicy fallback, std::map<std::string, ServicePolicy, std::less<>> each)
      : fallback_(fallback), each_(std::move(each)) {}
  const ServicePolicy& For(std::string_view service) const;
  ServiceVerdict Evaluate(const ServiceSummary& summary) const {
    return EvaluateService(summary, For(summary.service));
  }

 private:
  ServicePolicy fallback_;
  std::map<std::string, ServicePolicy, std::less<>> each_;
};

}  // namespace fleetgate::health
