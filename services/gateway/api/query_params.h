#pragma once
// Parsing of REST query parameters shared by the history-style routes: times (RFC 3339, `now`
// or a relative duration such as `-1h`), windows and page limits. Pure functions, thread-safe.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "http/message.h"

namespace fleetgate::api {

// Each parser returns the value, or why the parameter is wrong: kInvalidArgument with the
// parameter as the field and the reason kInvalidParameter.
inline constexpr std::string_view kInvalidParameter = "invalid_parameter";

Result<std::optional<TimePoint>> TimeParam(const http::Request& request, const std::string& name,
                                           TimePoint now);
Result<int> LimitParam(const http::Request& request, int default_limit, int max_limit);
// The parameters of a newest-first history page: from, to, limit (1..max_limit) and cursor.
struct PageParams {
  std::optional<TimePoint> from;
  std::optional<TimePoint> to;
  int limit = 100;
  std::string cursor;
};
Result<PageParams> PageParam(const http::Request& request, TimePoint now, int max_limit);

// Copies the page parameters into a storage query (TransitionQuery, AlertHistoryQuery).
template <typename Query>
void ApplyPage(const PageParams& page, Query& query) {
  query.from = page.from;
  query.to = page.to;
  query.limit = page.limit;
  query.cursor = page.cursor;
}

Result<std::chrono::milliseconds> DurationParam(const http::Request& request,
                                                const std::string& name,
                                                std::chrono::milliseconds default_value,
                                                std::chrono::milliseconds max_value);

}  // namespace fleetgate::api
