#include "alerts/alert_delivery.h"

#include <algorithm>

#include "storage/alert_records.h"

namespace fleetgate::alerts {
namespace {

constexpr int kValidityIntervals = 4;

}  // namespace

std::pair<const char*, const char*> HistoryStates(AlertEvent event, const Rule& rule) {
  switch (event) {
    case AlertEvent::kPending:
      return {storage::kAlertInactive, storage::kAlertPending};
    case AlertEvent::kFiring:
      return {rule.for_duration.count() == 0 ? storage::kAlertInactive : storage::kAlertPending,
              storage::kAlertFiring};
    case AlertEvent::kResolved:
      return {storage::kAlertFiring, storage::kAlertResolved};
    case AlertEvent::kDropped:
      return {storage::kAlertPending, storage::kAlertInactive};
  }
  return {"", ""};
}

const char* StoredState(const Alert& alert) {
  switch (alert.state) {
    case AlertState::kPending:
      return storage::kAlertPending;
    case AlertState::kFiring:
      return storage::kAlertFiring;
    case AlertState::kInactive:
      return storage::kAlertResolved;
  }
  return storage::kAlertResolved;
}

bool NeedsSending(const Alert& alert, std::optional<TimePoint> last_sent, TimePoint now,
                  std::chrono::milliseconds resend_delay) {
  if (alert.state == AlertState::kPending) return false;
  if (!last_sent) return true;
  if (alert.resolved_at && *alert.resolved_at > *last_sent) return true;
  return *last_sent + resend_delay <= now;
}

TimePoint FiringEndsAt(TimePoint now, std::chrono::milliseconds interval,
                       std::chrono::milliseconds resend_delay) {
  return now + kValidityIntervals * std::max(interval, resend_delay);
}

}  // namespace fleetgate::alerts
