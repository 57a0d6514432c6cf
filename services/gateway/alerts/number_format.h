#pragma once
// The shortest text that reads back as the same double ("100", "0.5", "1e-05"), as Prometheus
// prints sample values. Pure function, thread-safe.

#include <string>

namespace fleetgate::alerts {

std::string FormatNumber(double value);

}  // namespace fleetgate::alerts
