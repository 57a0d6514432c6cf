#pragma once
// Reporter reports one service instance's counters, gauges, histogram observations and health to
// fleetgate. Thread-safe: any thread may call any method. The reporting calls never wait on the
// network: they take a short lock, merge into a bounded buffer and return.
//
// Design: a dedicated sender thread drives one synchronous StreamReport call (ReportStream),
// stop-and-wait, rather than a ClientBidiReactor. There is one Reporter per process, so one thread
// is cheap; the sender owns all network state, so no callback-thread/caller races exist; and with
// one batch in flight a stream that fails is attributable to exactly that batch, which is what
// retry-or-drop needs. Throughput is a round trip per batch of up to `max_batch` events.
//
// Delivery: counter deltas are summed and gauges keep their last value per series between batches;
// observations are kept one by one. A batch that fails with a retryable status (UNAVAILABLE,
// DEADLINE_EXCEEDED, ABORTED) is kept and re-sent after exponential backoff with jitter (at least
// once: a batch applied just before a connection broke may be applied twice). Any other failure
// (INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAUTHENTICATED, …) drops the batch and counts it as
// rejected. Dead connections are detected by gRPC keepalive pings.

#include <grpcpp/support/status.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "client/reporter_options.h"
#include "core/backoff.h"

namespace fleetgate {

namespace v1 {
class HealthEvent;
}  // namespace v1

namespace client {
class EventBuffer;
class ReportStream;
struct Batch;
}  // namespace client

class Reporter {
 public:
  // Starts the sender thread; never fails (an unreachable gateway only means buffering).
  explicit Reporter(ReporterOptions options);
  // Flushes for up to `shutdown_timeout`, then stops; what is left is counted as dropped.
  ~Reporter();
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  // Adds `delta` (>= 0, finite) to a counter whose name ends in `_total`.
  void counter(std::string_view name, const Labels& labels = {}, double delta = 1);
  // Sets a gauge; only the last value per series between two batches is sent.
  void gauge(std::string_view name, const Labels& labels, double value);
  // One histogram observation; the gateway owns the buckets.
  void observe(std::string_view name, const Labels& labels, double value);
  // Reports health now and makes it the heartbeat re-sent every `heartbeat_interval`.
  void health(HealthStatus status, std::string detail = {}, std::vector<HealthCheck> checks = {});

  // Sends what is buffered now and waits up to `timeout` until the gateway answered for all of it
  // (acknowledged or rejected); false on timeout.
  bool flush(std::chrono::milliseconds timeout);
  ReporterStats stats() const;
  const ReporterOptions& options() const { return options_; }

 private:
  using Clock = std::chrono::steady_clock;

  bool Enqueued(bool added);
  void Run();
  bool ReadyToSend(Clock::time_point now) const;
  Clock::time_point NextWake(Clock::time_point now);
  std::unique_ptr<client::Batch> NextBatch(Clock::time_point now);
  // `retry_after`: the gateway's quota hint of a failed batch (zero: none).
  void Resolve(std::unique_ptr<client::Batch> batch, const grpc::Status& status, uint32_t rejected,
               std::chrono::milliseconds retry_after);
  void StopSender();

  const ReporterOptions options_;
  std::unique_ptr<client::ReportStream> stream_;  // sender thread only (Cancel: any)

  mutable std::mutex mutex_;
  std::condition_variable wake_sender_;
  std::condition_variable resolved_;
  std::unique_ptr<client::EventBuffer> buffer_;
  uint64_t enqueued_seq_ = 0;  // every reporting call
  uint64_t resolved_seq_ = 0;  // every call up to here was answered or given up
  int flush_waiters_ = 0;
  bool stop_ = false;
  bool sender_done_ = false;
  ReporterStats stats_;
  std::unique_ptr<v1::HealthEvent> last_health_;  // the heartbeat

  // Sender state: touched by the sender thread (and the destructor after it ended), under mutex_.
  std::unique_ptr<client::Batch> retry_;
  Backoff backoff_;
  Clock::time_point next_attempt_;
  Clock::time_point next_flush_;
  Clock::time_point next_heartbeat_;
  uint64_t next_batch_id_ = 1;

  std::thread sender_;
};

}  // namespace fleetgate
