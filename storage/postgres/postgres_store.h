#pragma once
// PostgresStore: the history, last states, alert history and active alerts of fleetgate in
// PostgreSQL, behind the same seams as SQLite (HistorySink, HistorySource). Writes go through
// a bounded write-behind queue drained by one PeriodicWorker on its own connection, so callers
// (ingest, the evaluator) never wait for the database; a lost connection is retried with the
// shared Backoff, counted, and reported by Healthy() until a commit succeeds again. Reads run
// on a connection of their own, reconnected on demand. Thread-safe.

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/backoff.h"
#include "core/clock.h"
#include "core/periodic_worker.h"
#include "storage/commit_tracker.h"
#include "storage/history_store.h"
#include "storage/postgres/pg_connection.h"
#include "storage/storage_metrics.h"
#include "storage/write_ops.h"

namespace fleetgate::storage {

struct PostgresStoreOptions {
  PgConnectOptions connect;
  size_t queue_capacity = 100000;
  size_t batch_rows = 1000;  // the writer is woken when this many writes wait
  std::chrono::milliseconds flush_interval{200};
  size_t max_transaction_rows = 5000;
  // A batch that the server refuses (not a lost connection) is dropped after this many tries;
  // a lost connection is retried until it comes back, or max_attempts times once stopping.
  int max_attempts = 5;
  std::chrono::milliseconds retry_initial{100};
  std::chrono::milliseconds retry_max{5000};
  // As HistoryWriterOptions: history older than `retention` is deleted every
  // retention_interval, retention_batch_rows per transaction; zero disables it.
  std::chrono::milliseconds retention{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds retention_interval{std::chrono::hours(1)};
  int64_t retention_batch_rows = 1000;
};

class PostgresStore final : public HistorySink, public HistorySource {
 public:
  // Connects and migrates (throws PgError or std::runtime_error: a start-up error), then
  // starts the writer.
  PostgresStore(PostgresStoreOptions options, std::shared_ptr<const Clock> clock,
                prometheus::Registry& registry);
  ~PostgresStore() override;  // Stop()

  bool Enqueue(TransitionRecord transition) override;
  bool Enqueue(InstanceState state) override;
  bool EnqueueDelete(std::string service, std::string instance) override;
  bool Enqueue(AlertTransition transition) override;
  bool Enqueue(AlertStates states) override;
  bool Healthy() const override;
  std::string LastError() const override;
  uint64_t LastAccepted() const override { return commits_.last_accepted(); }
  CommitOutcome AwaitCommit(uint64_t seq, std::chrono::steady_clock::time_point until) override;

  Result<TransitionPage> QueryTransitions(const TransitionQuery& query) const override;
  Result<std::vector<InstanceState>> LoadInstanceStates() const override;
  Result<ServiceAvailability> Availability(const std::string& service, TimePoint window_start,
                                           TimePoint window_end) const override;
  Result<AlertHistoryPage> QueryAlertHistory(const AlertHistoryQuery& query) const override;
  Result<std::vector<AlertStates>> LoadAlertStates() const override;

  // Blocks until every write enqueued before the call is committed or dropped; false after
  // `timeout`.
  bool FlushFor(std::chrono::milliseconds timeout);
  // Deletes history older than `cutoff` now, in batches; returns the rows deleted.
  Result<int64_t> ApplyRetention(TimePoint cutoff);
  // Flushes (bounded), stops the writer, rejects later writes. Idempotent.
  void Stop();

 private:
  bool Push(WriteOp op);
  void WriterTask(TimePoint now);
  bool WriteWithRetries(const WriteOps& ops);  // false: given up
  bool EnsureWriterConnection();
  void RecordFailure(StorageOp op, const PgError& error);
  void RecordSuccess();
  template <typename T, typename Query>
  Result<T> Read(Query query) const;

  const PostgresStoreOptions options_;
  const std::shared_ptr<const Clock> clock_;
  mutable StorageMetrics metrics_;
  prometheus::Counter* connection_errors_;

  mutable std::mutex mu_;
  std::condition_variable done_cv_;
  WriteOps queue_;
  uint64_t enqueued_seq_ = 0;
  uint64_t done_seq_ = 0;
  bool stopped_ = false;
  CommitTracker commits_;  // sequence numbers as enqueued_seq_, with their outcome

  // Writer-thread state.
  std::optional<PgConnection> writer_;
  Backoff backoff_;
  TimePoint next_retention_;

  mutable std::mutex read_mu_;
  mutable std::optional<PgConnection> reader_;

  std::atomic<bool> healthy_{true};
  mutable std::mutex error_mu_;
  std::string last_error_;

  std::unique_ptr<PeriodicWorker> worker_;  // last: stopped first
};

}  // namespace fleetgate::storage
