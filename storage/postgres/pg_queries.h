#pragma once
// The reads behind PostgresStore: history pages (keyset, newest first), last states,
// availability, alert history and active alerts. Used on one connection at a time; throw PgError.

#include <optional>
#include <string>
#include <vector>

#include "storage/alert_records.h"
#include "storage/keyset_page.h"
#include "storage/postgres/pg_connection.h"
#include "storage/records.h"

namespace fleetgate::storage {

TransitionPage PgReadTransitions(PgConnection& connection, const TransitionQuery& query,
                                 const PageBounds& bounds);
std::vector<InstanceState> PgReadInstanceStates(PgConnection& connection);
ServiceAvailability PgReadAvailability(PgConnection& connection, const std::string& service,
                                       TimePoint start, TimePoint end);
AlertHistoryPage PgReadAlertHistory(PgConnection& connection,
                                    const std::optional<std::string>& rule,
                                    const PageBounds& bounds);
std::vector<AlertStates> PgReadAlertStates(PgConnection& connection);

}  // namespace fleetgate::storage
