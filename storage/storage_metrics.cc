#include "storage/storage_metrics.h"

#include <string>

namespace fleetgate::storage {
namespace {

constexpr const char* kOpNames[] = {"write", "retention", "read", "rules"};
constexpr FailureKind kKindsInOrder[] = {FailureKind::kBusy, FailureKind::kFull, FailureKind::kIo,
                                         FailureKind::kOther};
constexpr const char* kReasonNames[] = {"queue_full", "write_failed", "stopped"};

size_t KindIndex(FailureKind kind) { return static_cast<size_t>(kind); }

}  // namespace

StorageMetrics::StorageMetrics(prometheus::Registry& registry) {
  auto& errors = prometheus::BuildCounter()
                     .Name("fleetgate_storage_errors_total")
                     .Help(
                         "SQLite operations that failed, by operation and kind of failure "
                         "(busy, full, io, other); each retry counts once.")
                     .Register(registry);
  for (size_t op = 0; op < kOps; ++op) {
    for (FailureKind kind : kKindsInOrder) {
      errors_[op][KindIndex(kind)] =
          &errors.Add({{"op", kOpNames[op]}, {"reason", std::string(FailureKindName(kind))}});
    }
  }
  auto& dropped = prometheus::BuildCounter()
                      .Name("fleetgate_storage_dropped_total")
                      .Help(
                          "History rows not persisted: queue full, write retries exhausted, "
                          "or enqueued after the writer stopped.")
                      .Register(registry);
  for (size_t reason = 0; reason < kReasons; ++reason) {
    dropped_[reason] = &dropped.Add({{"reason", kReasonNames[reason]}});
  }
  queue_depth_ = &prometheus::BuildGauge()
                      .Name("fleetgate_storage_queue_depth")
                      .Help("History writes waiting in the write-behind queue.")
                      .Register(registry)
                      .Add({});
  write_duration_ = &prometheus::BuildHistogram()
                         .Name("fleetgate_storage_write_duration_seconds")
                         .Help("Time to write and commit one batch transaction of history.")
                         .Register(registry)
                         .Add({}, prometheus::Histogram::BucketBoundaries{
                                      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                      0.5, 1, 2.5, 5});
  transitions_written_ = &prometheus::BuildCounter()
                              .Name("fleetgate_storage_transitions_written_total")
                              .Help("Health transitions committed to the history table.")
                              .Register(registry)
                              .Add({});
}

void StorageMetrics::CountError(StorageOp op, FailureKind kind) {
  errors_[static_cast<size_t>(op)][KindIndex(kind)]->Increment();
}

void StorageMetrics::CountDropped(DropReason reason, size_t rows) {
  dropped_[static_cast<size_t>(reason)]->Increment(static_cast<double>(rows));
}

void StorageMetrics::SetQueueDepth(size_t depth) { queue_depth_->Set(static_cast<double>(depth)); }

void StorageMetrics::ObserveCommit(double seconds, int64_t transitions) {
  write_duration_->Observe(seconds);
  transitions_written_->Increment(static_cast<double>(transitions));
}

}  // namespace fleetgate::storage
