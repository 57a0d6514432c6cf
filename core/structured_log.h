#pragma once
// LogWith: one log line with structured fields, e.g.
//   LogWith(spdlog::level::warn, "alertmanager delivery failed", {{"url", url}, {"error", why}});
// For libraries that link spdlog; the fields travel in a LogFields (core/log_fields.h).

#include <spdlog/spdlog.h>

#include <string_view>

#include "core/log_fields.h"

namespace fleetgate {

inline void LogWith(spdlog::level::level_enum level, std::string_view message,
                    std::initializer_list<std::pair<std::string, std::string>> fields) {
  if (!spdlog::should_log(level)) return;
  LogFields scope(fields);
  spdlog::log(level, "{}", message);
}

}  // namespace fleetgate
