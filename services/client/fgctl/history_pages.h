#pragma once
// Paging through fleetgate's history routes (health transitions, alert state changes), which
// answer {"transitions": [...], "next_cursor": "…" or null}: one page from a cursor, or every
// page to the end. Thread-compatible; one per command.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "client/fgctl/rest_client.h"

namespace fleetgate::fgctl {

struct PageFlags {
  int limit = 100;     // rows per page (--limit)
  std::string cursor;  // start here: the next_cursor of an earlier page (--cursor)
  bool all = false;    // follow next_cursor to the last page (--all)
};

// Adds --limit, --cursor and --all to `command`.
void AddPageFlags(CLI::App& command, PageFlags& flags);

// GETs `path` (with its query, without limit and cursor) page by page as `flags` say. With `all`
// the pages are merged into one body whose next_cursor is null. `route` names it in errors.
JsonResult FetchHistory(const RestClient& rest, const std::string& path, const std::string& route,
                        const PageFlags& flags);

// The query parameter of a history route for a --since flag: "from=" and now minus the duration
// in RFC 3339, URL-encoded; nullopt when `since` is not a duration (SinceError says so).
std::optional<std::string> FromParameter(const std::string& since);
std::string SinceError(const std::string& since);

// Under a table: how to read on when the body has a next_cursor.
void PrintMore(const nlohmann::json& body, std::ostream& out);

}  // namespace fleetgate::fgctl
