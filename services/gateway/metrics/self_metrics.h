#pragma once
// The gateway's own ingest metrics (fixed names: dashboards and alerts depend on them), created
// once in the self-metrics registry. The handles are thread-safe prometheus-cpp metrics.

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace fleetgate::metrics {

class IngestMetrics {
 public:
  explicit IngestMetrics(prometheus::Registry& registry);

  // kind: counter, gauge, observation, health; histogram and summary (OTLP points).
  prometheus::Counter& accepted(std::string_view kind) const;
  // reason: one of reason::kAll.
  prometheus::Counter& rejected(std::string_view reason) const;
  // rpc: Report or StreamReport; Export (OTLP, over gRPC or HTTP).
  prometheus::Counter& batches(std::string_view rpc) const;
  prometheus::Gauge& series_active() const { return *series_active_; }
  prometheus::Histogram& ingest_duration() const { return *ingest_duration_; }

 private:
  std::map<std::string, prometheus::Counter*, std::less<>> accepted_;
  std::map<std::string, prometheus::Counter*, std::less<>> rejected_;
  std::map<std::string, prometheus::Counter*, std::less<>> batches_;
  prometheus::Gauge* series_active_;
  prometheus::Histogram* ingest_duration_;
  mutable prometheus::Counter unexported_;  // labels outside the sets above (a bug of ours)
};

// fleetgate_build_info{version} 1.
void RegisterBuildInfo(prometheus::Registry& registry, const std::string& version);

}  // namespace fleetgate::metrics
