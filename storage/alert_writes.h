#pragma once
// The alert history and active-alert writes of one writer batch, on prepared statements.
// Used only on the writer's connection and thread, inside the batch's transaction.

#include "storage/alert_records.h"
#include "storage/sqlite.h"

namespace fleetgate::storage {

class AlertWrites {
 public:
  explicit AlertWrites(SqliteConnection& connection);

  void Write(const AlertTransition& transition);  // one alert_history row
  void Write(const AlertStates& states);          // replaces the rule's alert_state rows

 private:
  Statement insert_history_;
  Statement delete_states_;
  Statement insert_state_;
};

}  // namespace fleetgate::storage
