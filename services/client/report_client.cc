#include "client/report_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "client/channel_credentials.h"
#include "client/event_buffer.h"
#include "client/report_stream.h"
#include "fleetgate/v1/reporter.pb.h"

namespace fleetgate::client {

struct PendingBatch {
  v1::ReportRequest request;
  uint64_t covers_seq = 0;  // every call up to here is in this or an earlier batch; 0: partial
  size_t size() const { return static_cast<size_t>(request.events_size()); }
};

namespace {

// How long the destructor lets the sender end gracefully before cancelling its call.
constexpr std::chrono::seconds kStopGrace{1};
// gRPC servers refuse pings more often than every 5 minutes on an idle call by default.
constexpr int kKeepaliveMs = 5 * 60 * 1000;
constexpr int kKeepaliveTimeoutMs = 20 * 1000;

bool IsRetryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::ABORTED;
}

v1::HealthStatus ToProto(HealthStatus status) {
  switch (status) {
    case HealthStatus::kServing:
      return v1::HEALTH_STATUS_SERVING;
    case HealthStatus::kDegraded:
      return v1::HEALTH_STATUS_DEGRADED;
    case HealthStatus::kNotServing:
      return v1::HEALTH_STATUS_NOT_SERVING;
  }
  return v1::HEALTH_STATUS_UNSPECIFIED;
}

std::shared_ptr<grpc::Channel> MakeChannel(const ReporterOptions& options) {
  grpc::ChannelArguments args;
  // The channel's own reconnect attempts follow the same bounds as ours. Not
  // GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: gRPC takes it as the least time a connection attempt (TCP
  // and TLS handshake) may take, and at `initial_backoff` a TLS handshake on a loaded host or a
  // distant gateway timed out again and again; its default (20 s) only bounds a hanging connect.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, options.initial_backoff.count());
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, options.max_backoff.count());
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  return grpc::CreateCustomChannel(
      options.target,
      MakeChannelCredentials({options.tls, options.ca_file, options.cert_file, options.key_file}),
      args);
}

void FillSource(const ReporterOptions& options, v1::Source* source) {
  source->set_service(options.service);
  source->set_instance(options.instance);
  source->set_version(options.version);
  source->mutable_labels()->insert(options.labels.begin(), options.labels.end());
}

std::string Describe(const grpc::Status& status) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  int code = static_cast<int>(status.error_code());
  std::string name = code >= 0 && code <= 16 ? kNames[code] : std::to_string(code);
  return name + ": " + status.error_message();
}

// Zero sizes or intervals would make the sender spin; the smallest useful values instead.
ReporterOptions Sanitized(ReporterOptions options) {
  constexpr std::chrono::milliseconds kMinInterval{1};
  options.max_batch = std::max<size_t>(options.max_batch, 1);
  options.flush_interval = std::max(options.flush_interval, kMinInterval);
  options.heartbeat_interval = std::max(options.heartbeat_interval, kMinInterval);
  return options;
}

// The sender's tick: a batch every flush_interval, a heartbeat every heartbeat_interval.
std::chrono::milliseconds Tick(const ReporterOptions& options) {
  return std::min(options.flush_interval, options.heartbeat_interval);
}

}  // namespace

ReportClient::ReportClient(ReporterOptions options)
    : options_(Sanitized(std::move(options))),
      stream_(std::make_unique<ReportStream>(MakeChannel(options_), options_.token)),
      buffer_(std::make_unique<EventBuffer>(options_.max_buffered_events)),
      backoff_(options_.initial_backoff, options_.max_backoff, std::random_device{}()),
      next_heartbeat_(SteadyClock::time_point::max()),
      sender_("fleetgate-report-client", SystemClock::Shared(), Tick(options_),
              [this](TimePoint) { SendDue(); }) {
  sender_.Start();
}

ReportClient::~ReportClient() {
  Flush(options_.shutdown_timeout);
  StopSender();
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.events_dropped += buffer_->pending() + (retry_ ? retry_->size() : 0);
}

void ReportClient::Counter(std::string_view name, const Labels& labels, double delta) {
  std::lock_guard<std::mutex> lock(mutex_);
  // A negative delta would cancel others once summed; refuse it here rather than hide it.
  Enqueued(delta >= 0 && std::isfinite(delta) && buffer_->AddCounter(name, labels, delta));
}

void ReportClient::Gauge(std::string_view name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  Enqueued(buffer_->SetGauge(name, labels, value));
}

void ReportClient::Observe(std::string_view name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  Enqueued(buffer_->AddObservation(name, labels, value));
}

void ReportClient::Health(HealthStatus status, std::string detail,
                          std::vector<HealthCheck> checks) {
  auto event = std::make_unique<v1::HealthEvent>();
  event->set_status(ToProto(status));
  event->set_detail(std::move(detail));
  event->set_ttl_seconds(static_cast<uint32_t>(options_.heartbeat_ttl.count()));
  for (HealthCheck& check : checks) {
    v1::Check* out = event->add_checks();
    out->set_name(std::move(check.name));
    out->set_status(ToProto(check.status));
    out->set_detail(std::move(check.detail));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  buffer_->SetHealth(*event);
  last_health_ = std::move(event);
  next_heartbeat_ = SteadyClock::now() + options_.heartbeat_interval;
  Enqueued(true);
}

bool ReportClient::Enqueued(bool added) {
  ++enqueued_seq_;
  if (!added) ++stats_.events_dropped;
  if (buffer_->pending() >= options_.max_batch) sender_.Wake();
  return added;
}

bool ReportClient::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (buffer_->empty() && buffer_->in_flight() == 0) resolved_seq_ = enqueued_seq_;
  uint64_t target = enqueued_seq_;
  if (resolved_seq_ >= target) return true;
  ++flush_waiters_;
  sender_.Wake();
  resolved_.wait_for(lock, timeout, [&] { return resolved_seq_ >= target || sender_done_; });
  --flush_waiters_;
  return resolved_seq_ >= target;
}

ReporterStats ReportClient::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

// One run of the sender: what is buffered goes out (on a tick, in batches of up to max_batch),
// then more while a Flush waits or full batches are pending; a retryable failure is retried after
// the backoff within the run.
void ReportClient::SendDue() {
  std::unique_lock<std::mutex> lock(mutex_);
  bool rest_due = true;  // a tick sends all that is buffered now
  while (!stop_) {
    if (!ReadyToSend(SteadyClock::now(), rest_due)) break;
    std::unique_ptr<PendingBatch> batch = NextBatch(SteadyClock::now());
    if (!batch) break;
    rest_due = batch->covers_seq == 0;  // the buffer kept a rest
    exchanging_ = true;
    lock.unlock();
    v1::ReportResponse response;
    grpc::Status status = stream_->Exchange(batch->request, &response);
    uint64_t opens = stream_->opens();
    const auto retry_after = status.ok() ? std::chrono::milliseconds(0) : stream_->retry_after();
    lock.lock();
    exchanging_ = false;
    stats_.reconnects = opens > 1 ? opens - 1 : 0;
    Resolve(std::move(batch), status, response.rejected(), retry_after);
    if (retry_ && !WaitToRetry(lock)) break;
  }
  if (stop_) EndSender(lock);
}

bool ReportClient::ReadyToSend(SteadyClock::time_point now, bool rest_due) const {
  if (retry_) return true;
  if (last_health_ && now >= next_heartbeat_) return true;
  if (buffer_->empty()) return false;
  return rest_due || flush_waiters_ > 0 || buffer_->pending() >= options_.max_batch;
}

// Waits out the backoff before re-sending retry_; false when the client is stopping.
bool ReportClient::WaitToRetry(std::unique_lock<std::mutex>& lock) {
  const auto delay =
      std::chrono::ceil<std::chrono::milliseconds>(next_attempt_ - SteadyClock::now());
  lock.unlock();
  const bool go_on = sender_.SleepUnlessStopping(std::max(delay, std::chrono::milliseconds(0)));
  lock.lock();
  return go_on && !stop_;
}

// The sender's last act: close the call gracefully, release Flush waiters. Runs once.
void ReportClient::EndSender(std::unique_lock<std::mutex>& lock) {
  if (sender_done_) return;
  lock.unlock();
  stream_->Close();
  lock.lock();
  sender_done_ = true;
  resolved_.notify_all();
}

std::unique_ptr<PendingBatch> ReportClient::NextBatch(SteadyClock::time_point now) {
  if (retry_) return std::move(retry_);
  if (last_health_ && now >= next_heartbeat_) {
    if (!buffer_->has_health()) {
      buffer_->SetHealth(*last_health_);
      ++stats_.heartbeats;
    }
    next_heartbeat_ = now + options_.heartbeat_interval;
  }
  if (buffer_->empty()) return nullptr;
  auto batch = std::make_unique<PendingBatch>();
  FillSource(options_, batch->request.mutable_source());
  batch->request.set_batch_id(next_batch_id_++);
  buffer_->TakeBatch(options_.max_batch, batch->request.mutable_events());
  if (buffer_->empty()) batch->covers_seq = enqueued_seq_;
  return batch;
}

void ReportClient::Resolve(std::unique_ptr<PendingBatch> batch, const grpc::Status& status,
                           uint32_t rejected, std::chrono::milliseconds retry_after) {
  size_t events = batch->size();
  ++stats_.batches_sent;
  stats_.events_sent += events;
  if (status.ok()) {
    stats_.events_acknowledged += events;
    stats_.events_rejected += rejected;
    backoff_.Reset();
  } else {
    ++stats_.batches_failed;
    stats_.last_error = Describe(status);
    // A quota refusal says when to come back; the batch is kept and retried then.
    const bool throttled = retry_after.count() > 0;
    if (throttled) ++stats_.batches_throttled;
    if (!stop_ && (throttled || IsRetryable(status.error_code()))) {
      next_attempt_ = SteadyClock::now() + (throttled ? retry_after : backoff_.Next());
      retry_ = std::move(batch);
      resolved_.notify_all();  // StopSender waits for the exchange to end
      return;
    }
    (stop_ ? stats_.events_dropped : stats_.events_rejected) += events;
  }
  buffer_->Release(events);
  resolved_seq_ = std::max(resolved_seq_, batch->covers_seq);
  if (buffer_->empty() && buffer_->in_flight() == 0) resolved_seq_ = enqueued_seq_;
  resolved_.notify_all();
}

// Lets an exchange in progress end for kStopGrace, cancels it if the gateway does not answer,
// then stops the sender (whose last run closes the call).
void ReportClient::StopSender() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    stop_ = true;
    bool ended = resolved_.wait_for(lock, kStopGrace, [this] { return !exchanging_; });
    lock.unlock();
    if (!ended) stream_->Cancel();
  }
  sender_.Stop();
  std::unique_lock<std::mutex> lock(mutex_);
  EndSender(lock);  // the sender never started a run after stop_: close here
}

}  // namespace fleetgate::client
