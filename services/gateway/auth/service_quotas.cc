#include "auth/service_quotas.h"

#include <algorithm>
#include <cmath>

namespace fleetgate::auth {
namespace {

double BurstOf(const Rate& rate) {
  return rate.burst > 0 ? rate.burst : std::max(1.0, rate.events_per_second);
}

}  // namespace

bool QuotaOptions::enabled() const {
  if (rate.events_per_second > 0) return true;
  return std::any_of(overrides.begin(), overrides.end(),
                     [](const auto& entry) { return entry.second.events_per_second > 0; });
}

ServiceQuotas::ServiceQuotas(QuotaOptions options, std::shared_ptr<const Clock> clock)
    : options_(std::move(options)), enabled_(options_.enabled()), clock_(std::move(clock)) {}

Rate ServiceQuotas::RateOf(std::string_view service) const {
  auto found = options_.overrides.find(std::string(service));
  return found == options_.overrides.end() ? options_.rate : found->second;
}

std::chrono::milliseconds ServiceQuotas::Admit(std::string_view service, size_t events) {
  return AdmitAll({{std::string(service), events}});
}

ServiceQuotas::Bucket& ServiceQuotas::Refilled(const std::string& service, const Rate& rate,
                                               TimePoint now) {
  const double burst = BurstOf(rate);
  auto [it, fresh] = buckets_.try_emplace(service);
  Bucket& bucket = it->second;
  if (fresh) {
    bucket.tokens = burst;
  } else if (now > bucket.refilled) {
    const double elapsed = std::chrono::duration<double>(now - bucket.refilled).count();
    bucket.tokens = std::min(burst, bucket.tokens + elapsed * rate.events_per_second);
  }
  bucket.refilled = std::max(bucket.refilled, now);
  return bucket;
}

std::chrono::milliseconds ServiceQuotas::AdmitAll(const std::vector<ServiceEvents>& services) {
  if (!enabled_) return std::chrono::milliseconds(0);
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(mutex_);
  double wait_seconds = 0;
  for (const ServiceEvents& entry : services) {
    const Rate rate = RateOf(entry.service);
    if (entry.events == 0 || rate.events_per_second <= 0) continue;
    const Bucket& bucket = Refilled(entry.service, rate, now);
    const double needed = std::min(static_cast<double>(entry.events), BurstOf(rate));
    if (bucket.tokens >= needed - 1e-9) continue;  // the tolerance absorbs rounding of the refill
    wait_seconds = std::max(wait_seconds, (needed - bucket.tokens) / rate.events_per_second);
  }
  if (wait_seconds > 0) {
    return std::chrono::milliseconds(
        std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait_seconds * 1000))));
  }
  for (const ServiceEvents& entry : services) {
    const Rate rate = RateOf(entry.service);
    if (entry.events == 0 || rate.events_per_second <= 0) continue;
    buckets_[entry.service].tokens -= static_cast<double>(entry.events);
  }
  return std::chrono::milliseconds(0);
}

}  // namespace fleetgate::auth
