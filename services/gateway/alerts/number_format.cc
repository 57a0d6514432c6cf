#include "alerts/number_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace fleetgate::alerts {

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Fewest significant digits that read back exactly, then Go's %v layout (which Prometheus
  // templates use): plain decimals unless the exponent is below -4 or at least 21.
  char buffer[64];
  int digits = 1;
  for (; digits < 17; ++digits) {
    std::snprintf(buffer, sizeof(buffer), "%.*e", digits - 1, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  std::snprintf(buffer, sizeof(buffer), "%.*e", digits - 1, value);
  int exponent = std::atoi(std::strchr(buffer, 'e') + 1);
  if (exponent < -4 || exponent >= 21) return buffer;
  std::snprintf(buffer, sizeof(buffer), "%.*f", std::max(digits - 1 - exponent, 0), value);
  return buffer;
}

}  // namespace fleetgate::alerts
