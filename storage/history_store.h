#pragma once
// The seams between the health registry, the alert evaluator, the REST routes and persisted
// history: HistorySink (write-behind, never blocks) and HistorySource (queries).
// Implementations are thread-safe.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "storage/alert_records.h"
#include "storage/commit_tracker.h"
#include "storage/records.h"

namespace fleetgate::storage {

class HistorySink {
 public:
  virtual ~HistorySink() = default;

  // Queue a write without waiting for the disk. False when the queue is full and the write
  // was dropped (and counted).
  virtual bool Enqueue(TransitionRecord transition) = 0;
  virtual bool Enqueue(InstanceState state) = 0;  // insert or replace the last state
  virtual bool EnqueueDelete(std::string service, std::string instance) = 0;
  virtual bool Enqueue(AlertTransition transition) = 0;  // appended to the alert history
  // Replaces every stored active alert of `states.rule` (none left when `alerts` is empty).
  virtual bool Enqueue(AlertStates states) = 0;

  // For readiness: false while writes are failing, true again after a successful commit.
  virtual bool Healthy() const = 0;
  virtual std::string LastError() const = 0;

  // Durable acknowledgement (storage.durable_ack). Every accepted write gets the next sequence
  // number; this is the last one handed out (0: none yet).
  virtual uint64_t LastAccepted() const = 0;
  // Wakes the writer, whose next transaction takes every queued write (group commit: one
  // commit answers every waiter), and waits until write `seq` is committed or given up, or
  // until `until` (kPending).
  virtual CommitOutcome AwaitCommit(uint64_t seq, std::chrono::steady_clock::time_point until) = 0;
};

class HistorySource {
 public:
  virtual ~HistorySource() = default;

  virtual Result<TransitionPage> QueryTransitions(const TransitionQuery& query) const = 0;
  virtual Result<std::vector<InstanceState>> LoadInstanceStates() const = 0;
  virtual Result<ServiceAvailability> Availability(const std::string& service,
                                                   TimePoint window_start,
                                                   TimePoint window_end) const = 0;

  // Newest first, keyset-paginated like QueryTransitions.
  virtual Result<AlertHistoryPage> QueryAlertHistory(const AlertHistoryQuery& query) const = 0;
  // Every rule's stored active alerts, sorted by rule and labels_json; rules without any are
  // left out.
  virtual Result<std::vector<AlertStates>> LoadAlertStates() const = 0;
};

}  // namespace fleetgate::storage
