#pragma once
// Sets up the process-wide spdlog logger: text or JSON lines on stderr at the given level.
// Call once at start-up, before other threads log.

#include <string>

namespace fleetgate {

void ConfigureLogging(const std::string& level, const std::string& format);

}  // namespace fleetgate
