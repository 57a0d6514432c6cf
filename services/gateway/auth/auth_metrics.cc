#include "auth/auth_metrics.h"

#include <string>

namespace fleetgate::auth {

AuthMetrics::AuthMetrics(prometheus::Registry& registry)
    : failures_(prometheus::BuildCounter()
                    .Name("fleetgate_auth_failures_total")
                    .Help("Requests refused for their credential, by transport and reason.")
                    .Register(registry)),
      reloads_(prometheus::BuildCounter()
                   .Name("fleetgate_auth_reloads_total")
                   .Help("Reads of a changed tokens file; a failure keeps the previous one.")
                   .Register(registry)),
      credentials_(prometheus::BuildGauge()
                       .Name("fleetgate_auth_credentials")
                       .Help("Credentials in force (tokens file and http.admin_token).")
                       .Register(registry)
                       .Add({})),
      rate_limited_(prometheus::BuildCounter()
                        .Name("fleetgate_ingest_rate_limited_events_total")
                        .Help("Events refused because their service exceeded its quota "
                              "(reason rate_limited).")
                        .Register(registry)) {}

void AuthMetrics::Failure(std::string_view transport, std::string_view reason) {
  failures_.Add({{"transport", std::string(transport)}, {"reason", std::string(reason)}})
      .Increment();
}

void AuthMetrics::Reload(bool success) {
  reloads_.Add({{"result", success ? "success" : "failure"}}).Increment();
}

void AuthMetrics::SetCredentials(size_t count) { credentials_.Set(static_cast<double>(count)); }

void AuthMetrics::RateLimited(std::string_view service, size_t events) {
  rate_limited_.Add({{"service", std::string(service)}}).Increment(static_cast<double>(events));
}

}  // namespace fleetgate::auth
