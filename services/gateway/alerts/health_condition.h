#pragma once
// The samples of a health rule over the live registry, matching its PromQL export over
// fleetgate_instance_up (promql.h): one sample per alerting instance or service. Pure function,
// thread-safe.

#include <vector>

#include "alerts/alert_state.h"
#include "alerts/rule.h"
#include "health/instance.h"
#include "health/service_policy.h"

namespace fleetgate::alerts {

// instance_not_serving: {service, instance} = 0 for each instance not SERVING (STALE included).
// unhealthy_ratio: {service} = the share of its instances not SERVING, when above threshold.
// service_absent: {service} = 0 for a known service with no SERVING instance, and
// {service} = 1 when the rule names a service the registry does not know at all.
// service_unhealthy: {service} = 1 for each service its policy (health.service_policies) calls
// UNHEALTHY, as fleetgate_service_health{status="UNHEALTHY"}; `policies` null: the defaults.
std::vector<Sample> EvaluateHealth(const HealthSpec& spec,
                                   const std::vector<health::Instance>& instances,
                                   const health::ServicePolicies* policies = nullptr);

}  // namespace fleetgate::alerts
