#pragma once
// Sets up the process-wide spdlog logger: text or JSON lines on stderr at the given level.
// Call once at start-up, before other threads log.

#include <string>

#include "http/message.h"

namespace fleetgate {

void ConfigureLogging(const std::string& level, const std::string& format);

// One "audit:" line for each change an operator made over REST (a POST, PUT, PATCH or DELETE
// under /api/ that succeeded): what, by which credential ("-" when none was needed), from where.
// Meant for http::Router::SetObserver.
void AuditChange(const http::Request& request, const std::string& pattern,
                 const http::Response& response);

}  // namespace fleetgate
