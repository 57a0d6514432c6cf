#pragma once
// Availability arithmetic over a window, fed with each instance's status at the window start
// and the transitions inside the window; SQL-free so it can be tested by hand. Not
// synchronised: one builder per computation.

#include <cstdint>
#include <map>
#include <string>

#include "storage/records.h"

namespace fleetgate::storage {

class AvailabilityBuilder {
 public:
  AvailabilityBuilder(std::string service, TimePoint window_start, TimePoint window_end);

  // The `to` of the instance's last transition before the window start.
  void SetInitialStatus(const std::string& instance, const std::string& status);
  // A transition inside the window; calls come in (time, id) order.
  void AddTransition(const std::string& instance, const std::string& to, TimePoint time);
  // Closes every instance's last status at the window end.
  ServiceAvailability Build();

 private:
  struct Tracker {
    std::string status;  // "" until the first transition: not observed
    int64_t since_ms = 0;
    AvailabilityStats stats;
  };

  void Accrue(Tracker& tracker, int64_t until_ms) const;

  std::string service_;
  int64_t start_ms_;
  int64_t end_ms_;
  std::map<std::string, Tracker> trackers_;
};

}  // namespace fleetgate::storage
