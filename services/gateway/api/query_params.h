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
// The parameters of a newest-first history page: from, to, limit (1..max_limit) and cursor.
struct PageParams {
  std::optional<TimePoint> from;
  std::optional<TimePoint> to;
  int limit = 100;
  std::string cursor;
};
Param<PageParams> PageParam(const http::Request& request, TimePoint now, int max_limit);

// Copies the page parameters into a storage query (TransitionQuery, AlertHistoryQuery).
template <typename Query>
void ApplyPage(const PageParams& page, Query& query) {
  query.from = page.from;
  query.to = page.to;
  query.limit = page.limit;
  query.cursor = page.cursor;
}

Param<std::chrono::milliseconds> DurationParam(const http::Request& request,
                                               const std::string& name,
                                               std::chrono::milliseconds default_value,
                                               std::chrono::milliseconds max_value);

}  // namespace fleetgate::api
