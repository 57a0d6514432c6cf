#pragma once
// Self-metrics of storage (fleetgate_storage_*), registered in the gateway's registry. Several
// owners may share one registry: families and series are merged. Thread-safe.

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/sqlite.h"

namespace fleetgate::storage {

// kRules: RuleStore's synchronous reads and writes of rule definitions.
enum class StorageOp { kWrite, kRetention, kRead, kRules };
enum class DropReason { kQueueFull, kWriteFailed, kStopped };

class StorageMetrics {
 public:
  explicit StorageMetrics(prometheus::Registry& registry);

  void CountError(StorageOp op, FailureKind kind);
  void CountDropped(DropReason reason, size_t rows);
  void SetQueueDepth(size_t depth);
  void ObserveCommit(double seconds, int64_t transitions);

 private:
  static constexpr size_t kOps = 4;
  static constexpr size_t kKinds = 4;
  static constexpr size_t kReasons = 3;

  std::array<std::array<prometheus::Counter*, kKinds>, kOps> errors_{};
  std::array<prometheus::Counter*, kReasons> dropped_{};
  prometheus::Gauge* queue_depth_;
  prometheus::Histogram* write_duration_;
  prometheus::Counter* transitions_written_;
};

}  // namespace fleetgate::storage
