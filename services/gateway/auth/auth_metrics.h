#pragma once
// The self-metrics of fleetgate::auth: refusals by transport and reason, tokens-file reloads,
// events refused by a service's quota. Thread-safe (prometheus-cpp metrics are).

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string_view>

namespace fleetgate::auth {

class AuthMetrics {
 public:
  explicit AuthMetrics(prometheus::Registry& registry);

  // fleetgate_auth_failures_total{transport="grpc"|"http",reason}
  void Failure(std::string_view transport, std::string_view reason);
  // fleetgate_auth_reloads_total{result="success"|"failure"}
  void Reload(bool success);
  // fleetgate_auth_credentials: entries in the credentials now in force
  void SetCredentials(size_t count);
  // fleetgate_ingest_rate_limited_events_total{service}
  void RateLimited(std::string_view service, size_t events);

 private:
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Gauge& credentials_;
  prometheus::Family<prometheus::Counter>& rate_limited_;
};

}  // namespace fleetgate::auth
