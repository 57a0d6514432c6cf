#include "storage/postgres/postgres_store.h"

#include <prometheus/family.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "storage/epoch_ms.h"
#include "storage/keyset_page.h"
#include "storage/postgres/pg_errors.h"
#include "storage/postgres/pg_queries.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_writes.h"

namespace fleetgate::storage {
namespace {

FailureKind KindOf(const PgError& error) {
  return error.connection_lost() ? FailureKind::kIo : FailureKind::kOther;
}

}  // namespace

PostgresStore::PostgresStore(PostgresStoreOptions options, std::shared_ptr<const Clock> clock,
                             prometheus::Registry& registry)
    : options_(std::move(options)),
      clock_(std::move(clock)),
      metrics_(registry),
      connection_errors_(&prometheus::BuildCounter()
                              .Name("fleetgate_storage_postgres_connection_errors_total")
                              .Help("PostgreSQL sessions lost or refused, by the writer, the "
                                    "readers and the rule store; each is retried")
                              .Register(registry)
                              .Add({})),
      backoff_(options_.retry_initial, options_.retry_max) {
  writer_.emplace(options_.connect);
  int before = MigratePostgres(*writer_);
  if (before != LatestPostgresSchemaVersion()) {
    spdlog::info("PostgreSQL schema migrated from version {} to {}", before,
                 LatestPostgresSchemaVersion());
  }
  next_retention_ = clock_->Now() + options_.retention_interval;
  worker_ = std::make_unique<PeriodicWorker>("postgres-writer", clock_, options_.flush_interval,
                                             [this](TimePoint now) { WriterTask(now); });
  worker_->Start();
}

PostgresStore::~PostgresStore() { Stop(); }

bool PostgresStore::Push(WriteOp op) {
  size_t depth;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) {
      metrics_.CountDropped(DropReason::kStopped, 1);
      return false;
    }
    if (queue_.size() >= options_.queue_capacity) {
      metrics_.CountDropped(DropReason::kQueueFull, 1);
      return false;
    }
    queue_.push_back(std::move(op));
    ++enqueued_seq_;
    commits_.Accept();
    depth = queue_.size();
  }
  metrics_.SetQueueDepth(depth);
  if (depth >= options_.batch_rows) worker_->Wake();
  return true;
}

bool PostgresStore::Enqueue(TransitionRecord transition) { return Push(std::move(transition)); }
bool PostgresStore::Enqueue(InstanceState state) { return Push(std::move(state)); }
bool PostgresStore::EnqueueDelete(std::string service, std::string instance) {
  return Push(DeleteState{std::move(service), std::move(instance)});
}
bool PostgresStore::Enqueue(AlertTransition transition) { return Push(std::move(transition)); }
bool PostgresStore::Enqueue(AlertStates states) { return Push(std::move(states)); }

bool PostgresStore::Healthy() const { return healthy_.load(); }

std::string PostgresStore::LastError() const {
  std::lock_guard<std::mutex> lock(error_mu_);
  return last_error_;
}

void PostgresStore::WriterTask(TimePoint now) {
  for (;;) {
    WriteOps batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (!queue_.empty() && batch.size() < options_.max_transaction_rows) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      metrics_.SetQueueDepth(queue_.size());
    }
    if (batch.empty()) break;
    const bool committed = WriteWithRetries(batch);
    uint64_t done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_seq_ += batch.size();
      done = done_seq_;
    }
    commits_.Done(done, committed);
    done_cv_.notify_all();
  }
  if (options_.retention.count() > 0 && now >= next_retention_ && !worker_->stopping()) {
    next_retention_ = now + options_.retention_interval;
    Result<int64_t> deleted = ApplyRetention(now - options_.retention);
    if (deleted.ok() && deleted.value() > 0) {
      spdlog::info("retention deleted {} history rows from PostgreSQL", deleted.value());
    }
  }
}

bool PostgresStore::EnsureWriterConnection() {
  if (writer_ && writer_->ok()) return true;
  writer_.reset();
  try {
    writer_.emplace(options_.connect);
    spdlog::info("PostgreSQL writer reconnected");
    return true;
  } catch (const PgError& e) {
    RecordFailure(StorageOp::kWrite, e);
    return false;
  }
}

bool PostgresStore::WriteWithRetries(const WriteOps& ops) {
  int refused = 0;
  int attempts_stopping = 0;
  for (;;) {
    if (EnsureWriterConnection()) {
      try {
        auto started = std::chrono::steady_clock::now();
        int64_t transitions = PgWriteBatch(*writer_, ops);
        metrics_.ObserveCommit(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
            transitions);
        RecordSuccess();
        return true;
      } catch (const PgError& e) {
        RecordFailure(StorageOp::kWrite, e);
        if (!e.connection_lost() && ++refused >= options_.max_attempts) break;
      }
    }
    if (worker_->stopping() && ++attempts_stopping >= options_.max_attempts) break;
    worker_->SleepUnlessStopping(backoff_.Next());
  }
  metrics_.CountDropped(DropReason::kWriteFailed, ops.size());
  spdlog::error("dropped a batch of {} history writes after repeated PostgreSQL failures: {}",
                ops.size(), LastError());
  return false;
}

void PostgresStore::RecordFailure(StorageOp op, const PgError& error) {
  metrics_.CountError(op, KindOf(error));
  if (error.connection_lost()) connection_errors_->Increment();
  if (op != StorageOp::kWrite) return;
  bool was_healthy = healthy_.exchange(false);
  {
    std::lock_guard<std::mutex> lock(error_mu_);
    last_error_ = std::string("PostgreSQL: ") + error.what();
  }
  if (was_healthy) spdlog::warn("PostgreSQL writes failing, retrying: {}", error.what());
}

void PostgresStore::RecordSuccess() {
  backoff_.Reset();
  if (!healthy_.exchange(true)) spdlog::info("PostgreSQL writes succeed again");
}

CommitOutcome PostgresStore::AwaitCommit(uint64_t seq,
                                         std::chrono::steady_clock::time_point until) {
  CommitOutcome outcome = commits_.Outcome(seq);
  if (outcome != CommitOutcome::kPending || until <= std::chrono::steady_clock::now()) {
    return outcome;
  }
  worker_->Wake();
  return commits_.Await(seq, until);
}

bool PostgresStore::FlushFor(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = enqueued_seq_;
  if (done_seq_ >= target) return true;
  lock.unlock();
  worker_->Wake();
  lock.lock();
  return done_cv_.wait_for(lock, timeout, [&] { return done_seq_ >= target; });
}

Result<int64_t> PostgresStore::ApplyRetention(TimePoint cutoff) {
  try {
    PgConnection connection(options_.connect);
    int64_t total = 0;
    for (;;) {
      int64_t deleted =
          PgDeleteOldRows(connection, ToEpochMs(cutoff), options_.retention_batch_rows);
      total += deleted;
      if (deleted < options_.retention_batch_rows) return total;
    }
  } catch (const PgError& e) {
    RecordFailure(StorageOp::kRetention, e);
    return PgUnavailable(e.what());
  }
}

void PostgresStore::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  worker_->Stop();  // one last run drains the queue
}

template <typename T, typename Query>
Result<T> PostgresStore::Read(Query query) const {
  std::lock_guard<std::mutex> lock(read_mu_);
  try {
    if (!reader_ || !reader_->ok()) {
      reader_.reset();
      reader_.emplace(options_.connect);
    }
    return query(*reader_);
  } catch (const PgError& e) {
    metrics_.CountError(StorageOp::kRead, KindOf(e));
    if (e.connection_lost()) {
      connection_errors_->Increment();
      reader_.reset();
    }
    return PgUnavailable(std::string("PostgreSQL: ") + e.what());
  }
}

Result<TransitionPage> PostgresStore::QueryTransitions(const TransitionQuery& query) const {
  Result<PageBounds> bounds = MakePageBounds(query.limit, query.from, query.to, query.cursor);
  if (!bounds.ok()) return bounds.error();
  if (bounds.value().empty()) return TransitionPage{};
  return Read<TransitionPage>(
      [&](PgConnection& c) { return PgReadTransitions(c, query, bounds.value()); });
}

Result<std::vector<InstanceState>> PostgresStore::LoadInstanceStates() const {
  return Read<std::vector<InstanceState>>(PgReadInstanceStates);
}

Result<ServiceAvailability> PostgresStore::Availability(const std::string& service,
                                                        TimePoint window_start,
                                                        TimePoint window_end) const {
  if (window_end < window_start) return PgInvalid("window ends before it starts");
  return Read<ServiceAvailability>(
      [&](PgConnection& c) { return PgReadAvailability(c, service, window_start, window_end); });
}

Result<AlertHistoryPage> PostgresStore::QueryAlertHistory(const AlertHistoryQuery& query) const {
  Result<PageBounds> bounds = MakePageBounds(query.limit, query.from, query.to, query.cursor);
  if (!bounds.ok()) return bounds.error();
  if (bounds.value().empty()) return AlertHistoryPage{};
  return Read<AlertHistoryPage>(
      [&](PgConnection& c) { return PgReadAlertHistory(c, query.rule, bounds.value()); });
}

Result<std::vector<AlertStates>> PostgresStore::LoadAlertStates() const {
  return Read<std::vector<AlertStates>>(PgReadAlertStates);
}

}  // namespace fleetgate::storage
