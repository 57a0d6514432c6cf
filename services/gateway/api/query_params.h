#pragma once
// Parsing of REST query parameters shared by the history-style routes: times (RFC 3339, `now`
// or a relative duration such as `-1h`), windows and page limits. Pure functions, thread-safe.

#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "core/clock.h"
#include "http/message.h"

namespace fleetgate::api {

// A parsed value, or the 400 response that explains why the parameter is wrong.
template <typename T>
using Param = std::variant<T, http::Response>;

Param<std::optional<TimePoint>> TimeParam(const http::Request& request, const std::string& name,
                                          TimePoint now);
Param<int> LimitParam(const http::Request& request, int default_limit, int max_limit);
Param<std::chrono::milliseconds> DurationParam(const http::Request& request,
                                               const std::string& name,
                                               std::chrono::milliseconds default_value,
                                               std::chrono::milliseconds max_value);

}  // namespace fleetgate::api
