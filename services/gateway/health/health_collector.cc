#include "health/health_collector.h"

#include <string>

namespace fleetgate::health {
namespace {

prometheus::ClientMetric GaugeSample(std::vector<prometheus::ClientMetric::Label> labels,
                                     double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  return metric;
}

prometheus::MetricFamily GaugeFamily(std::string name, std::string help) {
  return {std::move(name), std::move(help), prometheus::MetricType::Gauge, {}};
}

}  // namespace

std::vector<prometheus::MetricFamily> HealthCollector::Collect() const {
  auto up = GaugeFamily("fleetgate_instance_up", "1 when the instance reports SERVING, else 0.");
  auto status = GaugeFamily("fleetgate_instance_status",
                            "The instance's current status, one-hot over every status.");
  auto per_service =
      GaugeFamily("fleetgate_service_instances", "Instances of each service, by status.");
  for (const Instance& instance : registry_.Snapshot()) {
    up.metric.push_back(
        GaugeSample({{"instance", instance.instance}, {"service", instance.service}},
                    instance.status == Status::kServing ? 1 : 0));
    for (Status s : kAllStatuses) {
      status.metric.push_back(GaugeSample({{"instance", instance.instance},
                                           {"service", instance.service},
                                           {"status", std::string(StatusName(s))}},
                                          instance.status == s ? 1 : 0));
    }
  }
  for (const ServiceSummary& summary : registry_.Services()) {
    for (const auto& [s, count] : summary.counts) {
      per_service.metric.push_back(
          GaugeSample({{"service", summary.service}, {"status", std::string(StatusName(s))}},
                      static_cast<double>(count)));
    }
  }
  return {std::move(up), std::move(status), std::move(per_service)};
}

}  // namespace fleetgate::health
