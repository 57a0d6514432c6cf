#include "storage/history_writer.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace fleetgate::storage {

namespace {

// The config-backed fields have no defaults here (config declares them); a caller that forgot
// one would silently drop every write, so it is a start-up error.
const HistoryWriterOptions& Checked(const HistoryWriterOptions& options) {
  if (options.queue_capacity == 0 || options.batch_rows == 0 || options.max_transaction_rows == 0 ||
      options.flush_interval.count() <= 0) {
    throw std::invalid_argument(
        "HistoryWriterOptions: queue_capacity, batch_rows, max_transaction_rows and "
        "flush_interval must be set (options.cc builds them from the config)");
  }
  return options;
}

}  // namespace

HistoryWriter::HistoryWriter(const Database& database, HistoryWriterOptions options,
                             std::shared_ptr<const Clock> clock, prometheus::Registry& registry)
    : options_(Checked(options)),
      clock_(std::move(clock)),
      metrics_(registry),
      problems_(clock_, options_.log_interval),
      connection_(database.Connect(ConnectionRole::kWriter)),
      retry_backoff_(options_.retry_backoff, options_.max_retry_backoff),
      next_retention_(clock_->Now()),
      default_max_pages_(connection_.QueryInt("PRAGMA max_page_count")),
      worker_("history-writer", clock_, options_.flush_interval,
              [this](TimePoint now) { Drain(now); }) {
  worker_.Start();
}

HistoryWriter::~HistoryWriter() { Stop(); }

bool HistoryWriter::Enqueue(TransitionRecord transition) { return Push(std::move(transition)); }

bool HistoryWriter::Enqueue(InstanceState state) { return Push(std::move(state)); }

bool HistoryWriter::EnqueueDelete(std::string service, std::string instance) {
  return Push(DeleteState{std::move(service), std::move(instance)});
}

bool HistoryWriter::Enqueue(AlertTransition transition) { return Push(std::move(transition)); }

bool HistoryWriter::Enqueue(AlertStates states) { return Push(std::move(states)); }

bool HistoryWriter::Push(WriteOp op) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stop_ || queue_.size() >= options_.queue_capacity) {
    DropReason reason = stop_ ? DropReason::kStopped : DropReason::kQueueFull;
    lock.unlock();
    metrics_.CountDropped(reason, 1);
    problems_.Dropped(stop_ ? "the writer is stopped" : "the write queue is full", 1);
    return false;
  }
  queue_.push_back(std::move(op));
  ++enqueued_seq_;
  commits_.Accept();
  metrics_.SetQueueDepth(queue_.size());
  bool wake = queue_.size() == options_.batch_rows;
  lock.unlock();
  if (wake) worker_.Wake();
  return true;
}

bool HistoryWriter::Healthy() const { return healthy_.load(); }

std::string HistoryWriter::LastError() const {
  std::lock_guard<std::mutex> lock(error_mu_);
  return last_error_;
}

void HistoryWriter::Flush() { worker_.RunNow(); }

bool HistoryWriter::FlushFor(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = enqueued_seq_;
  if (done_seq_ >= target) return true;  // nothing queued: no need to wake the worker
  worker_.Wake();
  return done_cv_.wait_for(lock, timeout, [&] { return done_seq_ >= target; });
}

CommitOutcome HistoryWriter::AwaitCommit(uint64_t seq,
                                         std::chrono::steady_clock::time_point until) {
  CommitOutcome outcome = commits_.Outcome(seq);
  if (outcome != CommitOutcome::kPending || until <= std::chrono::steady_clock::now()) {
    return outcome;
  }
  worker_.Wake();
  return commits_.Await(seq, until);
}

void HistoryWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  worker_.Stop();  // its last run drains the queue
  FailPendingRetention();
}

// The worker's task: commits the queue in transactions of up to max_transaction_rows, with one
// retention batch between them, until neither writes nor retention jobs are left.
void HistoryWriter::Drain(TimePoint now) {
  for (;;) {
    ScheduleRetention(now);
    QueueSlice slice = TakeSlice();
    const bool committed = slice.ops.empty() || WriteWithRetries(slice.ops);
    MarkDone(slice.last_seq);
    commits_.Done(slice.last_seq, committed);
    const bool retention_left = RetentionStep();
    if (!slice.rest_queued && !retention_left) return;
    now = clock_->Now();
  }
}

HistoryWriter::QueueSlice HistoryWriter::TakeSlice() {
  std::lock_guard<std::mutex> lock(mu_);
  QueueSlice slice;
  size_t n = std::min(queue_.size(), options_.max_transaction_rows);
  if (n == queue_.size()) {
    slice.ops.swap(queue_);  // O(1), so Enqueue callers never wait behind a copy
  } else {
    auto end = queue_.begin() + static_cast<ptrdiff_t>(n);
    slice.ops.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
    queue_.erase(queue_.begin(), end);
  }
  taken_seq_ += n;
  slice.last_seq = taken_seq_;
  slice.rest_queued = !queue_.empty();
  metrics_.SetQueueDepth(queue_.size());
  return slice;
}

void HistoryWriter::MarkDone(uint64_t seq) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_seq_ = std::max(done_seq_, seq);
  }
  done_cv_.notify_all();
}

bool HistoryWriter::WriteWithRetries(const WriteOps& ops) {
  retry_backoff_.Reset();
  for (int attempt = 1;; ++attempt) {
    ApplyMaxPageCount();
    FailureKind failure = FailureKind::kOther;
    if (TryWrite(ops, &failure)) return true;
    if (ShouldGiveUp(failure, attempt)) {
      metrics_.CountDropped(DropReason::kWriteFailed, ops.size());
      problems_.Dropped("a write failed after its retries", ops.size());
      return false;
    }
    worker_.SleepUnlessStopping(retry_backoff_.Next());
  }
}

bool HistoryWriter::TryWrite(const WriteOps& ops, FailureKind* failure) {
  auto start = std::chrono::steady_clock::now();
  try {
    int64_t transitions = WriteBatch(connection_, ops, name_ids_);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    metrics_.ObserveCommit(took.count(), transitions);
    RecordSuccess();
    return true;
  } catch (const SqliteError& e) {
    *failure = e.kind();
    RecordFailure(StorageOp::kWrite, e.kind(), e.what());
  } catch (const std::exception& e) {
    *failure = FailureKind::kOther;
    RecordFailure(StorageOp::kWrite, FailureKind::kOther, e.what());
  }
  return false;
}

bool HistoryWriter::ShouldGiveUp(FailureKind failure, int attempt) const {
  if (failure == FailureKind::kBusy) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stop_) return false;  // someone holds the lock: wait for it rather than lose data
  }
  return attempt >= options_.max_attempts;
}

void HistoryWriter::RecordFailure(StorageOp op, FailureKind kind, const std::string& message) {
  metrics_.CountError(op, kind);
  problems_.Error(op == StorageOp::kRetention ? "retention" : "write", message);
  {
    std::lock_guard<std::mutex> lock(error_mu_);
    last_error_ = message;
  }
  healthy_.store(false);
}

void HistoryWriter::RecordSuccess() {
  if (healthy_.load()) return;
  {
    std::lock_guard<std::mutex> lock(error_mu_);
    last_error_.clear();
  }
  healthy_.store(true);
}

void HistoryWriter::SetMaxPageCount(int64_t pages) { requested_max_pages_.store(pages); }

void HistoryWriter::ApplyMaxPageCount() {
  int64_t requested = requested_max_pages_.load();
  if (requested == applied_max_pages_) return;
  int64_t pages = requested > 0 ? requested : default_max_pages_;
  try {
    connection_.Exec("PRAGMA max_page_count = " + std::to_string(pages));
    applied_max_pages_ = requested;
  } catch (const SqliteError& e) {
    RecordFailure(StorageOp::kWrite, e.kind(), e.what());
  }
}

}  // namespace fleetgate::storage
