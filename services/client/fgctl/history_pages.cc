#include "client/fgctl/history_pages.h"

#include <set>

#include "core/clock.h"
#include "core/duration.h"
#include "core/time_format.h"

namespace fleetgate::fgctl {
namespace {

std::string NextCursor(const nlohmann::json& body) {
  const nlohmann::json& next = body.value("next_cursor", nlohmann::json());
  return next.is_string() ? next.get<std::string>() : "";
}

}  // namespace

void AddPageFlags(CLI::App& command, PageFlags& flags) {
  command.add_option("--limit", flags.limit, "rows per page, 1 to 1000 (default 100)");
  command.add_option("--cursor", flags.cursor, "start at the next_cursor of an earlier page");
  command.add_flag("--all", flags.all, "every page to the end, --limit rows per request");
}

JsonResult FetchHistory(const RestClient& rest, const std::string& path, const std::string& route,
                        const PageFlags& flags) {
  const std::string base = path + (path.find('?') == std::string::npos ? "?" : "&") +
                           "limit=" + std::to_string(flags.limit);
  std::string cursor = flags.cursor;
  nlohmann::json rows = nlohmann::json::array();
  std::set<std::string> seen;  // a cursor seen twice would loop forever
  while (true) {
    JsonResult page =
        rest.Call("GET", cursor.empty() ? base : base + "&cursor=" + UrlEncode(cursor), route);
    if (!page.ok() || !flags.all) return page;
    for (auto& row : page.body.value("transitions", nlohmann::json::array())) {
      rows.push_back(std::move(row));
    }
    cursor = NextCursor(page.body);
    if (cursor.empty()) {
      page.body = {{"transitions", std::move(rows)}, {"next_cursor", nullptr}};
      return page;
    }
    if (!seen.insert(cursor).second) {
      page.error = route + ": the gateway returned the cursor " + cursor + " twice";
      return page;
    }
  }
}

void PrintMore(const nlohmann::json& body, std::ostream& out) {
  const std::string next = NextCursor(body);
  if (!next.empty()) out << "(more: --cursor " << next << ", or --all)\n";
}

std::optional<std::string> FromParameter(const std::string& since) {
  auto duration = ParseDuration(since);
  if (!duration) return std::nullopt;
  return "from=" + UrlEncode(FormatRfc3339(SystemClock().Now() - *duration));
}

std::string SinceError(const std::string& since) {
  return "--since: not a duration: \"" + since + "\" (e.g. 90s, 1h, 7d)";
}

}  // namespace fleetgate::fgctl
