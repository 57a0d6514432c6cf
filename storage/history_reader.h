#pragma once
// HistoryReader answers history, last-state, availability and alert queries on its own read
// connections (never the writer's), so queries and the writer run side by side in WAL mode.
// Thread-safe.

#include <prometheus/registry.h>

#include <cstddef>
#include <string>
#include <vector>

#include "storage/connection_pool.h"
#include "storage/database.h"
#include "storage/history_store.h"
#include "storage/storage_metrics.h"

namespace fleetgate::storage {

class HistoryReader final : public HistorySource {
 public:
  // `database` must outlive the reader: connections are opened from it on demand.
  HistoryReader(const Database& database, prometheus::Registry& registry,
                size_t max_connections = 4);

  // Newest first, keyset-paginated on (time, id). kInvalidArgument for a bad cursor or limit.
  Result<TransitionPage> QueryTransitions(const TransitionQuery& query) const override;
  // Every instance's last state, sorted by service and instance.
  Result<std::vector<InstanceState>> LoadInstanceStates() const override;
  // Reads the window's rows plus the last row before it per instance.
  Result<ServiceAvailability> Availability(const std::string& service, TimePoint window_start,
                                           TimePoint window_end) const override;
  // As QueryTransitions, over the alert history of one rule or of all.
  Result<AlertHistoryPage> QueryAlertHistory(const AlertHistoryQuery& query) const override;
  Result<std::vector<AlertStates>> LoadAlertStates() const override;

 private:
  template <typename T, typename Query>
  Result<T> Run(Query query) const;

  mutable ConnectionPool pool_;
  mutable StorageMetrics metrics_;
};

}  // namespace fleetgate::storage
