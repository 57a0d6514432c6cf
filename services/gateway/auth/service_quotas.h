#pragma once
// ServiceQuotas: a token bucket per reporting service (`ingest.rate_limit`), so one noisy service
// is throttled while the others keep their rate. A batch is admitted whole when its service's
// bucket holds min(events, burst) tokens, and then takes all its events (a batch larger than the
// burst leaves the bucket in debt, so the long-run rate holds whatever the batch size). A refused
// batch learns how long to wait. Time comes from an injected Clock. Thread-safe.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"

namespace fleetgate::auth {

struct Rate {
  double events_per_second = 0;  // 0: unlimited
  double burst = 0;              // 0: one second's worth
};

// One service's events in a report.
struct ServiceEvents {
  std::string service;
  size_t events = 0;
};

struct QuotaOptions {
  Rate rate;                              // every service without an override
  std::map<std::string, Rate> overrides;  // by exact service name
  bool enabled() const;
};

class ServiceQuotas {
 public:
  ServiceQuotas(QuotaOptions options, std::shared_ptr<const Clock> clock);

  bool enabled() const { return enabled_; }
  // Zero when admitted (the events are taken); otherwise how long until a retry can be admitted.
  std::chrono::milliseconds Admit(std::string_view service, size_t events);
  // A report of several (distinct) services, all or nothing: zero when every service's bucket
  // admits its events (all are taken); otherwise nothing is taken and the longest wait is
  // returned.
  std::chrono::milliseconds AdmitAll(const std::vector<ServiceEvents>& services);

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint refilled{};
  };
  Rate RateOf(std::string_view service) const;
  // The bucket of `service` refilled to now; the lock is held.
  Bucket& Refilled(const std::string& service, const Rate& rate, TimePoint now);

  const QuotaOptions options_;
  const bool enabled_;
  const std::shared_ptr<const Clock> clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace fleetgate::auth
