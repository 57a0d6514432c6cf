#include "http/http_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace fleetgate::http {

HttpMetrics::HttpMetrics(prometheus::Registry* registry) {
  if (registry == nullptr) return;
  requests_ = &prometheus::BuildCounter()
                   .Name("fleetgate_http_requests_total")
                   .Help(
                       "HTTP requests answered by the gateway, by route pattern (\"unmatched\" "
                       "when none), method (\"other\" when unknown) and status code.")
                   .Register(*registry);
  durations_ = &prometheus::BuildHistogram()
                    .Name("fleetgate_http_request_duration_seconds")
                    .Help(
                        "Time from a complete HTTP request to its serialised response "
                        "(routing, handler, compression), by route pattern.")
                    .Register(*registry);
}

void HttpMetrics::Observe(const std::string& handler, const std::string& method, int code,
                          double seconds) {
  if (requests_ == nullptr) return;
  RequestCounter(handler, method, code).Increment();
  DurationHistogram(handler).Observe(seconds);
}

prometheus::Counter& HttpMetrics::RequestCounter(const std::string& handler,
                                                 const std::string& method, int code) {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = std::make_tuple(handler, method, code);
  auto it = counters_.find(key);
  if (it != counters_.end()) return *it->second;
  auto& counter =
      requests_->Add({{"handler", handler}, {"method", method}, {"code", std::to_string(code)}});
  counters_.emplace(std::move(key), &counter);
  return counter;
}

prometheus::Histogram& HttpMetrics::DurationHistogram(const std::string& handler) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  std::lock_guard<std::mutex> lock(mu_);
  auto it = histograms_.find(handler);
  if (it != histograms_.end()) return *it->second;
  auto& histogram = durations_->Add({{"handler", handler}}, kBuckets);
  histograms_.emplace(handler, &histogram);
  return histogram;
}

}  // namespace fleetgate::http
