#pragma once
// The alert reads behind HistoryReader: a page of alert history and the stored active alerts.
// Used on one read connection at a time; throw SqliteError.

#include <optional>
#include <string>
#include <vector>

#include "storage/alert_records.h"
#include "storage/keyset_page.h"
#include "storage/sqlite.h"

namespace fleetgate::storage {

// Newest first within `bounds`, of `rule` or of every rule.
AlertHistoryPage ReadAlertPage(SqliteConnection& connection, const std::optional<std::string>& rule,
                               const PageBounds& bounds);

// Grouped by rule, sorted by rule and labels_json.
std::vector<AlertStates> ReadAlertStates(SqliteConnection& connection);

// The page query's SQL, for tests that check its plan.
std::string AlertPageSql(bool with_rule, bool with_cursor);

}  // namespace fleetgate::storage
