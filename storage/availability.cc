#include "storage/availability.h"

#include <algorithm>
#include <utility>

#include "storage/epoch_ms.h"

namespace fleetgate::storage {
namespace {

bool IsObserved(const std::string& status) { return !status.empty() && status != kDeregistered; }

// A flap is a change between two known statuses: a first sighting (from nothing or from
// UNKNOWN) and a deregistration are not.
bool IsKnown(const std::string& status) { return IsObserved(status) && status != kUnknown; }

void AddTime(AvailabilityStats& stats, const std::string& status, std::chrono::milliseconds d) {
  stats.time_in_status[status] += d;
  if (status != kMaintenance) stats.observed += d;
}

void SetShare(AvailabilityStats& stats) {
  if (stats.observed.count() == 0) return;
  auto serving = stats.time_in_status.find(kServing);
  double serving_ms =
      serving == stats.time_in_status.end() ? 0.0 : static_cast<double>(serving->second.count());
  stats.serving_share = serving_ms / static_cast<double>(stats.observed.count());
}

void AddInto(AvailabilityStats& total, const AvailabilityStats& part) {
  for (const auto& [status, d] : part.time_in_status) AddTime(total, status, d);
  total.transitions += part.transitions;
}

}  // namespace

AvailabilityBuilder::AvailabilityBuilder(std::string service, TimePoint window_start,
                                         TimePoint window_end)
    : service_(std::move(service)),
      start_ms_(ToEpochMs(window_start)),
      end_ms_(std::max(ToEpochMs(window_end), ToEpochMs(window_start))) {}

void AvailabilityBuilder::SetInitialStatus(const std::string& instance, const std::string& status) {
  Tracker& tracker = trackers_[instance];
  tracker.status = status;
  tracker.since_ms = start_ms_;
}

void AvailabilityBuilder::AddTransition(const std::string& instance, const std::string& to,
                                        TimePoint time) {
  int64_t at_ms = std::clamp(ToEpochMs(time), start_ms_, end_ms_);
  Tracker& tracker = trackers_[instance];
  Accrue(tracker, at_ms);
  if (IsKnown(tracker.status) && IsKnown(to) && tracker.status != to) ++tracker.stats.transitions;
  tracker.status = to;
  tracker.since_ms = at_ms;
}

void AvailabilityBuilder::Accrue(Tracker& tracker, int64_t until_ms) const {
  if (!IsObserved(tracker.status) || until_ms <= tracker.since_ms) return;
  AddTime(tracker.stats, tracker.status, std::chrono::milliseconds(until_ms - tracker.since_ms));
}

ServiceAvailability AvailabilityBuilder::Build() {
  ServiceAvailability result;
  result.service = service_;
  result.window_start = FromEpochMs(start_ms_);
  result.window_end = FromEpochMs(end_ms_);
  for (auto& [instance, tracker] : trackers_) {
    Accrue(tracker, end_ms_);
    tracker.since_ms = end_ms_;
    // Instances gone before the window (deregistered) have nothing to report.
    if (tracker.stats.observed.count() == 0 && tracker.stats.transitions == 0) continue;
    SetShare(tracker.stats);
    AddInto(result.total, tracker.stats);
    result.instances.push_back({instance, tracker.stats});
  }
  SetShare(result.total);
  return result;
}

}  // namespace fleetgate::storage
