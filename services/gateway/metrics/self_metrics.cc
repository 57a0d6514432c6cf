#include "metrics/self_metrics.h"

#include "metrics/rejection.h"

namespace fleetgate::metrics {
namespace {

// A label outside the fixed set is a bug of ours, not of the client: it is counted in a counter
// nobody exports (`fallback`) rather than failing the request.
prometheus::Counter& Find(const std::map<std::string, prometheus::Counter*, std::less<>>& map,
                          std::string_view key, prometheus::Counter& fallback) {
  auto it = map.find(key);
  return it == map.end() ? fallback : *it->second;
}

}  // namespace

IngestMetrics::IngestMetrics(prometheus::Registry& registry) {
  auto& accepted = prometheus::BuildCounter()
                       .Name("fleetgate_events_accepted_total")
                       .Help("Events accepted, by kind.")
                       .Register(registry);
  for (const char* kind : {"counter", "gauge", "observation", "health", "histogram", "summary"}) {
    accepted_[kind] = &accepted.Add({{"kind", kind}});
  }
  auto& rejected = prometheus::BuildCounter()
                       .Name("fleetgate_events_rejected_total")
                       .Help("Events rejected, by reason (see docs/metrics.md).")
                       .Register(registry);
  for (std::string_view why : reason::kAll) {
    rejected_[std::string(why)] = &rejected.Add({{"reason", std::string(why)}});
  }
  auto& batches = prometheus::BuildCounter()
                      .Name("fleetgate_batches_total")
                      .Help("Report batches received, by RPC.")
                      .Register(registry);
  for (const char* rpc : {"Report", "StreamReport", "Export"})
    batches_[rpc] = &batches.Add({{"rpc", rpc}});
  series_active_ = &prometheus::BuildGauge()
                        .Name("fleetgate_series_active")
                        .Help("Series currently held for reported metrics.")
                        .Register(registry)
                        .Add({});
  ingest_duration_ = &prometheus::BuildHistogram()
                          .Name("fleetgate_ingest_duration_seconds")
                          .Help("Time to apply one batch, from receipt to response.")
                          .Register(registry)
                          .Add({}, prometheus::Histogram::BucketBoundaries{
                                       0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                       0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1});
}

prometheus::Counter& IngestMetrics::accepted(std::string_view kind) const {
  return Find(accepted_, kind, unexported_);
}

prometheus::Counter& IngestMetrics::rejected(std::string_view why) const {
  return Find(rejected_, why, unexported_);
}

prometheus::Counter& IngestMetrics::batches(std::string_view rpc) const {
  return Find(batches_, rpc, unexported_);
}

void RegisterBuildInfo(prometheus::Registry& registry, const std::string& version) {
  prometheus::BuildGauge()
      .Name("fleetgate_build_info")
      .Help("Always 1; the version of the running fleetgate.")
      .Register(registry)
      .Add({{"version", version}})
      .Set(1);
}

}  // namespace fleetgate::metrics
