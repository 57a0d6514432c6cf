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
  if (!enabled_ || events == 0) return std::chrono::milliseconds(0);
  const Rate rate = RateOf(service);
  if (rate.events_per_second <= 0) return std::chrono::milliseconds(0);
  const double burst = BurstOf(rate);
  const TimePoint now = clock_->Now();
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(std::string(service));
  Bucket& bucket = it->second;
  if (fresh) {
    bucket.tokens = burst;
  } else if (now > bucket.refilled) {
    const double elapsed = std::chrono::duration<double>(now - bucket.refilled).count();
    bucket.tokens = std::min(burst, bucket.tokens + elapsed * rate.events_per_second);
  }
  bucket.refilled = std::max(bucket.refilled, now);
  const double needed = std::min(static_cast<double>(events), burst);
  if (bucket.tokens >= needed - 1e-9) {  // the tolerance absorbs rounding of the refill
    bucket.tokens -= static_cast<double>(events);
    return std::chrono::milliseconds(0);
  }
  const double wait_seconds = (needed - bucket.tokens) / rate.events_per_second;
  return std::chrono::milliseconds(
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait_seconds * 1000))));
}

}  // namespace fleetgate::auth
