#include "api/query_params.h"

#include "core/duration.h"
#include "core/time_format.h"

namespace fleetgate::api {
namespace {

Error BadParam(const std::string& name, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument, why, name, kInvalidParameter);
}

}  // namespace

Result<std::optional<TimePoint>> TimeParam(const http::Request& request, const std::string& name,
                                           TimePoint now) {
  auto text = request.Query(name);
  if (!text || text->empty()) return std::optional<TimePoint>();
  if (*text == "now") return std::optional<TimePoint>(now);
  if ((*text)[0] == '-') {
    auto ago = ParseDuration(text->substr(1));
    if (!ago) return BadParam(name, "is not a valid relative time (e.g. -1h)");
    return std::optional<TimePoint>(now - *ago);
  }
  auto parsed = ParseRfc3339(*text);
  if (!parsed) {
    return BadParam(name, "must be RFC 3339 (2026-11-22T04:00:00Z), now, or relative (-1h)");
  }
  return std::optional<TimePoint>(*parsed);
}

Result<int> LimitParam(const http::Request& request, int default_limit, int max_limit) {
  auto text = request.Query("limit");
  if (!text) return default_limit;
  const bool digits = !text->empty() && text->size() <= 9 &&
                      text->find_first_not_of("0123456789") == std::string::npos;
  int value = digits ? std::stoi(*text) : 0;
  if (value < 1 || value > max_limit) {
    return BadParam("limit", "must be an integer from 1 to " + std::to_string(max_limit));
  }
  return value;
}

Result<PageParams> PageParam(const http::Request& request, TimePoint now, int max_limit) {
  PageParams page;
  auto from = TimeParam(request, "from", now);
  if (!from.ok()) return from.error();
  auto to = TimeParam(request, "to", now);
  if (!to.ok()) return to.error();
  auto limit = LimitParam(request, page.limit, max_limit);
  if (!limit.ok()) return limit.error();
  page.from = from.value();
  page.to = to.value();
  page.limit = limit.value();
  page.cursor = request.Query("cursor").value_or("");
  return page;
}

Result<std::chrono::milliseconds> DurationParam(const http::Request& request,
                                                const std::string& name,
                                                std::chrono::milliseconds default_value,
                                                std::chrono::milliseconds max_value) {
  auto text = request.Query(name);
  if (!text) return default_value;
  auto parsed = ParseDuration(*text);
  if (!parsed || parsed->count() <= 0 || *parsed > max_value) {
    return BadParam(
        name, "must be a duration from 1ms to " + FormatDuration(max_value) + " (e.g. 24h, 7d)");
  }
  return *parsed;
}

}  // namespace fleetgate::api
