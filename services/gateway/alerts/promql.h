#pragma once
// The PromQL equivalent of a Rule over the series the gateway exports, and a Prometheus rule
// file of many rules, for GET /api/v1/rules/export. Pure functions, thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "alerts/rule.h"

namespace fleetgate::alerts {

// Metric rules: `agg by (l) (name{m}) op t`, or for rate
// `sum by (l) (rate(name{m}[window])) op t`.
// Health rules, over fleetgate_instance_up{service,instance} (1 only while SERVING, so STALE
// and every other status count as not serving):
//   instance_not_serving  fleetgate_instance_up{service="s"} == 0   (one alert per instance)
//   unhealthy_ratio       1 - (sum by (service) (up{…}) / count by (service) (up{…})) > t
//   service_absent        sum by (service) (up{service="s"}) == 0
//                         or absent(fleetgate_instance_up{service="s"})
//   service_unhealthy     max by (service) (fleetgate_service_health{service="s",
//                         status="UNHEALTHY"}) == 1   (the policy's verdict, one per service)
// service_absent needs both arms: the sum catches a service whose instances are all known but
// none SERVING, and absent() catches a service with no instance left at all (evicted instances
// drop their series, so the sum would be empty and never fire). absent() copies the equality
// matcher into its result, so both arms carry the same {service="s"} label set. Without a
// service the absent() arm is impossible (a vanished service leaves no name to report), so only
// the sum is exported.
std::string ToPromQL(const Rule& rule);

// `"…"` with backslash, double quote and newline escaped, as in a PromQL string literal.
std::string QuotePromQLString(std::string_view text);

// A Prometheus rule file with one group `fleetgate` holding one alerting rule per Rule
// (alert, expr, for, labels, annotations). `promtool check rules` accepts it.
std::string ExportRuleFile(const std::vector<Rule>& rules);

}  // namespace fleetgate::alerts
