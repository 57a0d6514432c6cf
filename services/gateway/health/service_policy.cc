#include "health/service_policy.h"

namespace fleetgate::health {
namespace {

size_t Count(const ServiceSummary& summary, Status status) {
  auto it = summary.counts.find(status);
  return it == summary.counts.end() ? 0 : it->second;
}

}  // namespace

std::string_view ServiceHealthName(ServiceHealth health) {
  switch (health) {
    case ServiceHealth::kHealthy:
      return "HEALTHY";
    case ServiceHealth::kDegraded:
      return "DEGRADED";
    case ServiceHealth::kUnhealthy:
      return "UNHEALTHY";
  }
  return "UNHEALTHY";
}

ServiceVerdict EvaluateService(const ServiceSummary& summary, const ServicePolicy& policy) {
  const size_t serving = Count(summary, Status::kServing);
  const size_t degraded = Count(summary, Status::kDegraded);
  const size_t considered = summary.instances - Count(summary, Status::kMaintenance);
  const size_t unavailable = considered - serving - degraded;
  if (serving + degraded < policy.min_serving) {
    return {ServiceHealth::kUnhealthy, std::to_string(serving + degraded) +
                                           " instances serving, fewer than min_serving " +
                                           std::to_string(policy.min_serving)};
  }
  const double ratio =
      considered == 0 ? 0.0 : static_cast<double>(unavailable) / static_cast<double>(considered);
  if (ratio > policy.max_unavailable_ratio) {
    return {ServiceHealth::kUnhealthy, std::to_string(unavailable) + " of " +
                                           std::to_string(considered) +
                                           " instances unavailable, above max_unavailable_ratio"};
  }
  if (unavailable > 0 || degraded > 0) {
    return {ServiceHealth::kDegraded, std::to_string(unavailable) + " unavailable and " +
                                          std::to_string(degraded) + " degraded of " +
                                          std::to_string(considered) + " instances"};
  }
  return {ServiceHealth::kHealthy, "every instance serving"};
}

const ServicePolicy& ServicePolicies::For(std::string_view service) const {
  auto it = each_.find(service);
  return it == each_.end() ? fallback_ : it->second;
}

}  // namespace fleetgate::health
