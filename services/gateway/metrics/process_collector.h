#pragma once
// The standard Prometheus process metrics (process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, …) read from /proc/self at scrape time.
// Thread-safe.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

namespace fleetgate::metrics {

class ProcessCollector final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

// One sample family without labels; shared by collectors that build families by hand.
prometheus::MetricFamily SingleValueFamily(std::string name, std::string help,
                                           prometheus::MetricType type, double value);

}  // namespace fleetgate::metrics
