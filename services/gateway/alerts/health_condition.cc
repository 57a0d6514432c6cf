#include "alerts/health_condition.h"

#include <map>
#include <string>

namespace fleetgate::alerts {
namespace {

struct ServiceCounts {
  size_t instances = 0;  // not in maintenance
  size_t serving = 0;
  size_t maintenance = 0;
};

// An instance in maintenance is left out of every health condition: it neither fires an alert
// nor counts against (or for) its service.
bool InMaintenance(const health::Instance& instance) {
  return instance.status == health::Status::kMaintenance;
}

std::map<std::string, ServiceCounts> CountByService(
    const HealthSpec& spec, const std::vector<health::Instance>& instances) {
  std::map<std::string, ServiceCounts> out;
  for (const health::Instance& instance : instances) {
    if (spec.service && instance.service != *spec.service) continue;
    ServiceCounts& counts = out[instance.service];
    if (InMaintenance(instance)) {
      ++counts.maintenance;
      continue;
    }
    ++counts.instances;
    if (instance.status == health::Status::kServing) ++counts.serving;
  }
  return out;
}

std::vector<Sample> NotServing(const HealthSpec& spec,
                               const std::vector<health::Instance>& instances) {
  std::vector<Sample> out;
  for (const health::Instance& instance : instances) {
    if (spec.service && instance.service != *spec.service) continue;
    if (instance.status == health::Status::kServing || InMaintenance(instance)) continue;
    out.push_back({{{"service", instance.service}, {"instance", instance.instance}}, 0});
  }
  return out;
}

// Each service's summary, as the registry gives it to the policy.
std::vector<Sample> UnhealthyByPolicy(const HealthSpec& spec,
                                      const std::vector<health::Instance>& instances,
                                      const health::ServicePolicies& policies) {
  std::map<std::string, health::ServiceSummary> summaries;
  for (const health::Instance& instance : instances) {
    if (spec.service && instance.service != *spec.service) continue;
    health::ServiceSummary& summary = summaries[instance.service];
    summary.service = instance.service;
    ++summary.counts[instance.status];
    ++summary.instances;
  }
  std::vector<Sample> out;
  for (const auto& [service, summary] : summaries) {
    if (policies.Evaluate(summary).health == health::ServiceHealth::kUnhealthy) {
      out.push_back({{{"service", service}}, 1});
    }
  }
  return out;
}

}  // namespace

std::vector<Sample> EvaluateHealth(const HealthSpec& spec,
                                   const std::vector<health::Instance>& instances,
                                   const health::ServicePolicies* policies) {
  if (spec.condition == HealthCondition::kInstanceNotServing) return NotServing(spec, instances);
  if (spec.condition == HealthCondition::kServiceUnhealthy) {
    static const health::ServicePolicies kDefaults(health::ServicePolicy{}, {});
    return UnhealthyByPolicy(spec, instances, policies ? *policies : kDefaults);
  }
  const auto counts = CountByService(spec, instances);
  std::vector<Sample> out;
  for (const auto& [service, c] : counts) {
    if (c.instances == 0) continue;  // all in maintenance
    const double unhealthy =
        1.0 - static_cast<double>(c.serving) / static_cast<double>(c.instances);
    if (spec.condition == HealthCondition::kUnhealthyRatio && unhealthy > spec.threshold) {
      out.push_back({{{"service", service}}, unhealthy});
    }
    if (spec.condition == HealthCondition::kServiceAbsent && c.serving == 0) {
      out.push_back({{{"service", service}}, 0});
    }
  }
  if (spec.condition == HealthCondition::kServiceAbsent && spec.service && counts.empty()) {
    out.push_back({{{"service", *spec.service}}, 1});
  }
  return out;
}

}  // namespace fleetgate::alerts
