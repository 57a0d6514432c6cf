#pragma once
// HistoryWriter: the single writer of the history database. Callers enqueue into a bounded
// queue and never wait for the disk; one PeriodicWorker with the one writer connection commits
// batches and runs retention. Thread-safe.

#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/backoff.h"
#include "core/clock.h"
#include "core/periodic_worker.h"
#include "storage/commit_tracker.h"
#include "storage/database.h"
#include "storage/history_store.h"
#include "storage/problem_log.h"
#include "storage/storage_metrics.h"
#include "storage/write_ops.h"

namespace fleetgate::storage {

// The fields without a default come from the storage.* configuration keys (the gateway's
// options.cc), which declare and validate them.
struct HistoryWriterOptions {
  size_t queue_capacity = 0;
  // The writer commits when this many writes wait, or every flush_interval of the clock.
  size_t batch_rows = 0;
  std::chrono::milliseconds flush_interval{};
  // Under a backlog the writer takes up to this many writes into one transaction: each commit
  // rewrites every index page it dirtied, so larger transactions write far less (10k rows per
  // transaction sustain ~160k transitions/s here, 50k ~250k/s).
  size_t max_transaction_rows = 0;
  // Attempts per batch before it is dropped on a full disk or I/O error. A locked database
  // (SQLITE_BUSY) is retried until it is released, or max_attempts times once stopping.
  int max_attempts = 5;
  std::chrono::milliseconds retry_backoff{50};  // doubled per attempt, with jitter
  std::chrono::milliseconds max_retry_backoff{2000};
  // Health transitions and alert history rows older than `retention` are deleted every
  // retention_interval (by the injected clock), retention_batch_rows per transaction; a zero
  // retention disables it. Last instance states and active alert states are never aged out.
  std::chrono::milliseconds retention{};
  std::chrono::milliseconds retention_interval{};
  int64_t retention_batch_rows = 1000;
  // Storage errors and dropped writes are logged at most once per this interval, with the last
  // SQLite error and the counts since the previous line.
  std::chrono::milliseconds log_interval{std::chrono::seconds(10)};
};

class HistoryWriter final : public HistorySink {
 public:
  // Opens the writer connection (throws SqliteError at start-up) and starts the worker.
  HistoryWriter(const Database& database, HistoryWriterOptions options,
                std::shared_ptr<const Clock> clock, prometheus::Registry& registry);
  ~HistoryWriter() override;  // Stop()

  bool Enqueue(TransitionRecord transition) override;
  bool Enqueue(InstanceState state) override;
  bool EnqueueDelete(std::string service, std::string instance) override;
  bool Enqueue(AlertTransition transition) override;
  bool Enqueue(AlertStates states) override;

  bool Healthy() const override;
  std::string LastError() const override;
  uint64_t LastAccepted() const override { return commits_.last_accepted(); }
  CommitOutcome AwaitCommit(uint64_t seq, std::chrono::steady_clock::time_point until) override;

  // Blocks until every write enqueued before the call is committed or dropped (the worker runs
  // once more and drains the queue). While the database stays locked by another process this
  // waits for it; see FlushFor.
  void Flush();
  // As Flush, giving up after `timeout`; false on timeout.
  bool FlushFor(std::chrono::milliseconds timeout);
  // Flushes, stops the worker and rejects later writes; a batch that keeps failing is given up
  // after max_attempts, so this is bounded. Idempotent.
  void Stop();

  // Deletes history older than `cutoff` on the writer thread, in batches, then vacuums; blocks
  // until done. Returns the rows deleted.
  Result<int64_t> ApplyRetention(TimePoint cutoff);

  // Caps the file at `pages` pages (0: SQLite's default) from the next write on, to simulate
  // a full disk and its recovery in tests.
  void SetMaxPageCount(int64_t pages);

 private:
  struct RetentionJob;
  // The writes one transaction takes from the queue.
  struct QueueSlice {
    WriteOps ops;
    uint64_t last_seq = 0;     // the sequence number of its last write
    bool rest_queued = false;  // writes were left in the queue
  };

  bool Push(WriteOp op);
  void Drain(TimePoint now);
  QueueSlice TakeSlice();
  bool WriteWithRetries(const WriteOps& ops);  // false: given up
  bool TryWrite(const WriteOps& ops, FailureKind* failure);
  bool ShouldGiveUp(FailureKind failure, int attempt) const;
  void MarkDone(uint64_t seq);
  void ScheduleRetention(TimePoint now);
  bool RetentionStep();
  void FinishRetention(Result<int64_t> result);
  void FailPendingRetention();
  void ApplyMaxPageCount();
  void RecordFailure(StorageOp op, FailureKind kind, const std::string& message);
  void RecordSuccess();

  const HistoryWriterOptions options_;
  const std::shared_ptr<const Clock> clock_;
  StorageMetrics metrics_;
  ProblemLog problems_;          // errors and drops, logged at most once per log_interval
  SqliteConnection connection_;  // only the worker touches it after construction

  mutable std::mutex mu_;
  std::condition_variable done_cv_;
  WriteOps queue_;
  uint64_t enqueued_seq_ = 0;  // sequence number of the last accepted write
  uint64_t taken_seq_ = 0;     // ... of the last write the worker took from the queue
  uint64_t done_seq_ = 0;      // every write up to here is committed or dropped
  bool stop_ = false;
  std::deque<std::shared_ptr<RetentionJob>> retention_jobs_;
  CommitTracker commits_;  // sequence numbers as enqueued_seq_, with their outcome

  // Worker state.
  NameIds name_ids_;
  Backoff retry_backoff_;
  TimePoint next_retention_;
  int64_t applied_max_pages_ = 0;
  int64_t default_max_pages_ = 0;
  std::atomic<int64_t> requested_max_pages_{0};

  std::atomic<bool> healthy_{true};
  mutable std::mutex error_mu_;
  std::string last_error_;

  PeriodicWorker worker_;  // last: its task uses everything above
};

}  // namespace fleetgate::storage
