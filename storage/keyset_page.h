#pragma once
// Keyset pagination over (time_ms, id), newest first, shared by the health and alert history
// queries: validation of limit, range and cursor, the SQL tail, and the page loop.
// Pure functions over a caller's statement; as thread-safe as that statement's use.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "storage/cursor.h"
#include "storage/sqlite.h"

namespace fleetgate::storage {

struct PageBounds {
  int limit = 0;
  int64_t low_ms = std::numeric_limits<int64_t>::min();
  int64_t high_ms = std::numeric_limits<int64_t>::max();  // inclusive
  std::optional<CursorKey> cursor;

  bool empty() const { return high_ms < low_ms; }
};

// kInvalidArgument for a limit outside 1..kMaxQueryLimit or a cursor EncodeCursor did not make.
// The cursor narrows the one upper bound of the index range, so a deep page starts at its key.
Result<PageBounds> MakePageBounds(int limit, const std::optional<TimePoint>& from,
                                  const std::optional<TimePoint>& to, const std::string& cursor);

// The WHERE conditions on `alias`.time_ms/id, ORDER BY and LIMIT, with parameters ?3 to ?7;
// appended after a query's own conditions (which use ?1 and ?2).
std::string KeysetSqlTail(const std::string& alias, bool with_cursor);
void BindKeyset(Statement& stmt, const PageBounds& bounds);

// Steps `stmt` (bound by BindKeyset, so it yields up to limit + 1 rows), appending read(stmt)
// for up to `limit` rows; returns the next page's cursor, empty when none follows.
template <typename Row, typename Read>
std::string ReadKeysetPage(Statement& stmt, const PageBounds& bounds, int time_column,
                           int id_column, std::vector<Row>& rows, Read read) {
  CursorKey last;
  while (stmt.Step()) {
    if (rows.size() == static_cast<size_t>(bounds.limit)) return EncodeCursor(last);
    last = CursorKey{stmt.Int64(time_column), stmt.Int64(id_column)};
    rows.push_back(read(stmt));
  }
  return {};
}

}  // namespace fleetgate::storage
