#pragma once
// ReportClient reports one service instance's counters, gauges, histogram observations and health
// to fleetgate (the proto service fleetgate.v1.Reporter). Thread-safe: any thread may call any
// method. The reporting calls never wait on the network: they take a short lock, merge into a
// bounded buffer and return.
//
// Design: a PeriodicWorker (the sender), ticking every flush_interval (or heartbeat_interval if
// shorter) and woken when `max_batch` events are pending or on Flush, drives one synchronous
// StreamReport call (ReportStream), stop-and-wait, rather than a ClientBidiReactor. There is one
// ReportClient per process, so one thread is cheap; the sender owns all network state, so no
// callback-thread/caller races exist; and with one batch in flight a stream that fails is
// attributable to exactly that batch, which is what retry-or-drop needs. Throughput is a round trip
// per batch of up to `max_batch` events.
//
// Delivery: counter deltas are summed and gauges keep their last value per series between batches;
// observations are kept one by one. A batch that fails with a retryable status (UNAVAILABLE,
// DEADLINE_EXCEEDED, ABORTED) is kept and re-sent after the Backoff's delay (at least once: a
// batch applied just before a connection broke may be applied twice). A batch refused over its
// service's quota (RESOURCE_EXHAUSTED with the trailer `retry-after-ms`) is kept and re-sent once
// that wait has passed, never sooner. Any other failure (INVALID_ARGUMENT, RESOURCE_EXHAUSTED
// without the trailer, UNAUTHENTICATED, …) drops the batch and counts it as rejected. Dead
// connections are detected by gRPC keepalive pings.

#include <grpcpp/support/status.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string_view>

#include "client/reporter_options.h"
#include "core/backoff.h"
#include "core/periodic_worker.h"

namespace fleetgate {

namespace v1 {
class HealthEvent;
}  // namespace v1

namespace client {

class EventBuffer;
class ReportStream;
struct PendingBatch;

class ReportClient {
 public:
  // Starts the sender; never fails (an unreachable gateway only means buffering).
  explicit ReportClient(ReporterOptions options);
  // Flushes for up to `shutdown_timeout`, then stops; what is left is counted as dropped.
  ~ReportClient();
  ReportClient(const ReportClient&) = delete;
  ReportClient& operator=(const ReportClient&) = delete;

  // Adds `delta` (>= 0, finite) to a counter whose name ends in `_total`.
  void Counter(std::string_view name, const Labels& labels = {}, double delta = 1);
  // Sets a gauge; only the last value per series between two batches is sent.
  void Gauge(std::string_view name, const Labels& labels, double value);
  // One histogram observation; the gateway owns the buckets.
  void Observe(std::string_view name, const Labels& labels, double value);
  // Reports health with the next batch and makes it the heartbeat re-sent every
  // `heartbeat_interval`.
  void Health(HealthStatus status, std::string detail = {}, std::vector<HealthCheck> checks = {});

  // Sends what is buffered now and waits up to `timeout` until the gateway answered for all of it
  // (acknowledged or rejected); false on timeout.
  bool Flush(std::chrono::milliseconds timeout);
  ReporterStats stats() const;
  const ReporterOptions& options() const { return options_; }

  // The names of the 0.x releases, kept for one release.
  [[deprecated("use Counter")]] void counter(std::string_view name, const Labels& labels = {},
                                             double delta = 1) {
    Counter(name, labels, delta);
  }
  [[deprecated("use Gauge")]] void gauge(std::string_view name, const Labels& labels,
                                         double value) {
    Gauge(name, labels, value);
  }
  [[deprecated("use Observe")]] void observe(std::string_view name, const Labels& labels,
                                             double value) {
    Observe(name, labels, value);
  }
  [[deprecated("use Health")]] void health(HealthStatus status, std::string detail = {},
                                           std::vector<HealthCheck> checks = {}) {
    Health(status, std::move(detail), std::move(checks));
  }
  [[deprecated("use Flush")]] bool flush(std::chrono::milliseconds timeout) {
    return Flush(timeout);
  }

 private:
  using SteadyClock = std::chrono::steady_clock;

  bool Enqueued(bool added);
  void SendDue();
  bool ReadyToSend(SteadyClock::time_point now, bool rest_due) const;
  bool WaitToRetry(std::unique_lock<std::mutex>& lock);
  void EndSender(std::unique_lock<std::mutex>& lock);
  std::unique_ptr<PendingBatch> NextBatch(SteadyClock::time_point now);
  // `retry_after`: the gateway's quota hint of a failed batch (zero: none).
  void Resolve(std::unique_ptr<PendingBatch> batch, const grpc::Status& status, uint32_t rejected,
               std::chrono::milliseconds retry_after);
  void StopSender();

  const ReporterOptions options_;
  std::unique_ptr<ReportStream> stream_;  // sender only (Cancel: any)

  mutable std::mutex mutex_;
  std::condition_variable resolved_;
  std::unique_ptr<EventBuffer> buffer_;
  uint64_t enqueued_seq_ = 0;  // every reporting call
  uint64_t resolved_seq_ = 0;  // every call up to here was answered or given up
  int flush_waiters_ = 0;
  bool stop_ = false;
  bool exchanging_ = false;  // the sender waits on the gateway (StopSender may cancel it)
  bool sender_done_ = false;
  ReporterStats stats_;
  std::unique_ptr<v1::HealthEvent> last_health_;  // the heartbeat

  // Sender state: touched by the sender (and the destructor after it ended), under mutex_.
  std::unique_ptr<PendingBatch> retry_;
  Backoff backoff_;
  SteadyClock::time_point next_attempt_;
  SteadyClock::time_point next_heartbeat_;
  uint64_t next_batch_id_ = 1;

  PeriodicWorker sender_;  // last: stopped (by its destructor) before the state above goes
};

}  // namespace client

// The 0.x name of client::ReportClient, kept for one release.
using Reporter [[deprecated("use fleetgate::client::ReportClient")]] = client::ReportClient;

}  // namespace fleetgate
