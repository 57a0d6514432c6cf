#include "storage/keyset_page.h"

#include <algorithm>

#include "storage/epoch_ms.h"
#include "storage/records.h"
#include "storage/storage_error.h"

namespace fleetgate::storage {

Result<PageBounds> MakePageBounds(int limit, const std::optional<TimePoint>& from,
                                  const std::optional<TimePoint>& to, const std::string& cursor) {
  if (limit < 1 || limit > kMaxQueryLimit) {
    return InvalidParameter("limit", "must be between 1 and " + std::to_string(kMaxQueryLimit));
  }
  PageBounds bounds;
  bounds.limit = limit;
  if (from) bounds.low_ms = ToEpochMs(*from);
  if (to) bounds.high_ms = ToEpochMs(*to) - 1;
  if (!cursor.empty()) {
    bounds.cursor = DecodeCursor(cursor);
    if (!bounds.cursor) return InvalidParameter("cursor", "is not a next_cursor of this query");
    bounds.high_ms = std::min(bounds.high_ms, bounds.cursor->time_ms);
  }
  return bounds;
}

std::string KeysetSqlTail(const std::string& alias, bool with_cursor) {
  const std::string time = alias + ".time_ms";
  const std::string id = alias + ".id";
  std::string sql = " AND " + time + " >= ?3 AND " + time + " <= ?4";
  if (with_cursor) sql += " AND (" + time + " < ?5 OR " + id + " < ?6)";
  sql += " ORDER BY " + time + " DESC, " + id + " DESC LIMIT ?7";
  return sql;
}

void BindKeyset(Statement& stmt, const PageBounds& bounds) {
  stmt.Bind(3, bounds.low_ms).Bind(4, bounds.high_ms);
  if (bounds.cursor) stmt.Bind(5, bounds.cursor->time_ms).Bind(6, bounds.cursor->id);
  stmt.Bind(7, static_cast<int64_t>(bounds.limit) + 1);  // one more row tells if a page follows
}

}  // namespace fleetgate::storage
