#pragma once
// The HTTP server's self-metrics: fleetgate_http_requests_total{handler,method,code} and
// fleetgate_http_request_duration_seconds{handler}. A no-op without a registry. Thread-safe; each
// distinct series is resolved once (Family::Add locks and copies labels) and then cached.

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace prometheus {
class Counter;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace fleetgate::http {

class HttpMetrics {
 public:
  explicit HttpMetrics(prometheus::Registry* registry);

  // handler: the matched route pattern or "unmatched"; method: a label from MethodLabel().
  void Observe(const std::string& handler, const std::string& method, int code, double seconds);

 private:
  prometheus::Counter& RequestCounter(const std::string& handler, const std::string& method,
                                      int code);
  prometheus::Histogram& DurationHistogram(const std::string& handler);

  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* durations_ = nullptr;
  std::mutex mu_;  // guards the caches
  std::map<std::tuple<std::string, std::string, int>, prometheus::Counter*> counters_;
  std::map<std::string, prometheus::Histogram*> histograms_;
};

}  // namespace fleetgate::http
