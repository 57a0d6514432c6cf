// HistoryWriter's retention: runs on the writer's worker, one small transaction between two
// write transactions so queued writes keep flowing between retention batches.
#include <future>
#include <utility>

#include "storage/epoch_ms.h"
#include "storage/history_writer.h"
#include "storage/storage_error.h"

namespace fleetgate::storage {

struct HistoryWriter::RetentionJob {
  int64_t cutoff_ms = 0;
  int64_t deleted = 0;
  std::promise<Result<int64_t>> done;
};

Result<int64_t> HistoryWriter::ApplyRetention(TimePoint cutoff) {
  auto job = std::make_shared<RetentionJob>();
  job->cutoff_ms = ToEpochMs(cutoff);
  std::future<Result<int64_t>> done = job->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return Unavailable("history writer is stopped");
    retention_jobs_.push_back(job);
  }
  worker_.Wake();
  return done.get();
}

void HistoryWriter::ScheduleRetention(TimePoint now) {
  if (options_.retention.count() <= 0) return;
  if (now < next_retention_) return;
  next_retention_ = now + options_.retention_interval;
  auto job = std::make_shared<RetentionJob>();
  job->cutoff_ms = ToEpochMs(now - options_.retention);
  std::lock_guard<std::mutex> lock(mu_);
  if (retention_jobs_.empty()) retention_jobs_.push_back(std::move(job));
}

// One batch of the oldest retention job; true while jobs are left.
bool HistoryWriter::RetentionStep() {
  std::shared_ptr<RetentionJob> job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (retention_jobs_.empty()) return false;
    job = retention_jobs_.front();
  }
  try {
    int64_t deleted = DeleteOldRows(connection_, job->cutoff_ms, options_.retention_batch_rows);
    job->deleted += deleted;
    RecordSuccess();
    if (deleted < options_.retention_batch_rows) {
      IncrementalVacuum(connection_);
      FinishRetention(job->deleted);
    }
  } catch (const SqliteError& e) {
    // Given up until the next scheduled run, so a failing delete cannot spin the thread.
    RecordFailure(StorageOp::kRetention, e.kind(), e.what());
    FinishRetention(Unavailable(e.what()));
  } catch (const std::exception& e) {
    RecordFailure(StorageOp::kRetention, FailureKind::kOther, e.what());
    FinishRetention(Unavailable(e.what()));
  }
  std::lock_guard<std::mutex> lock(mu_);
  return !retention_jobs_.empty();
}

void HistoryWriter::FinishRetention(Result<int64_t> result) {
  std::shared_ptr<RetentionJob> job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job = std::move(retention_jobs_.front());
    retention_jobs_.pop_front();
  }
  job->done.set_value(std::move(result));
}

void HistoryWriter::FailPendingRetention() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (retention_jobs_.empty()) return;
    }
    FinishRetention(Unavailable("history writer stopped"));
  }
}

}  // namespace fleetgate::storage
