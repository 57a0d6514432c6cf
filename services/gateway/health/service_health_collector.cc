#include "health/service_health_collector.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

namespace fleetgate::health {

std::vector<prometheus::MetricFamily> ServiceHealthCollector::Collect() const {
  prometheus::MetricFamily family{
      "fleetgate_service_health",
      "The service's health by its policy, one-hot over HEALTHY, DEGRADED, UNHEALTHY.",
      prometheus::MetricType::Gauge,
      {}};
  for (const ServiceSummary& summary : registry_.Services()) {
    const ServiceHealth health = policies_.Evaluate(summary).health;
    for (ServiceHealth each : kAllServiceHealths) {
      prometheus::ClientMetric metric;
      metric.label = {{"service", summary.service},
                      {"status", std::string(ServiceHealthName(each))}};
      metric.gauge.value = each == health ? 1 : 0;
      family.metric.push_back(std::move(metric));
    }
  }
  return {std::move(family)};
}

}  // namespace fleetgate::health
