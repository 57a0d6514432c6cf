#include "alerts/alertmanager_client.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <mutex>
#include <set>
#include <stdexcept>

#include "alerts/alertmanager_post.h"
#include "core/backoff.h"
#include "core/log_fields.h"
#include "core/periodic_worker.h"
#include "core/time_format.h"

namespace fleetgate::alerts {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// One warning per Alertmanager per interval: a dead Alertmanager retried for hours should not
// flood the log, and the next line says how many were held back.
constexpr std::chrono::seconds kWarnInterval{30};

std::string TrimTrailingSlashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The URLs, timeout, queue capacity and attempts are config keys, validated by config.
void Validate(const AlertmanagerClientOptions& options) {
  if (options.max_batch == 0) throw std::invalid_argument("alertmanager max_batch must be >= 1");
}

// The series of one Alertmanager in the client's self-metrics.
struct TargetMetrics {
  prometheus::Counter& sent;
  prometheus::Counter& error;
  prometheus::Counter& dropped;
  prometheus::Gauge& queue_length;
  prometheus::Histogram& latency;
};

class MetricFamilies {
 public:
  explicit MetricFamilies(prometheus::Registry& registry)
      : notifications_(prometheus::BuildCounter()
                           .Name("fleetgate_notifications_total")
                           .Help("Alerts handled per Alertmanager, by result: sent (accepted), "
                                 "error (in a failed POST attempt), dropped (given up).")
                           .Register(registry)),
        queue_length_(prometheus::BuildGauge()
                          .Name("fleetgate_notification_queue_length")
                          .Help("Alerts waiting to be sent, per Alertmanager.")
                          .Register(registry)),
        latency_(prometheus::BuildHistogram()
                     .Name("fleetgate_notification_latency_seconds")
                     .Help("Duration of one POST to an Alertmanager, failed ones included.")
                     .Register(registry)) {}

  TargetMetrics For(const std::string& url) {
    return {notifications_.Add({{"alertmanager", url}, {"result", "sent"}}),
            notifications_.Add({{"alertmanager", url}, {"result", "error"}}),
            notifications_.Add({{"alertmanager", url}, {"result", "dropped"}}),
            queue_length_.Add({{"alertmanager", url}}),
            latency_.Add({{"alertmanager", url}},
                         prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1,
                                                                 0.25, 0.5, 1, 2.5, 5, 10, 30})};
  }

 private:
  prometheus::Family<prometheus::Counter>& notifications_;
  prometheus::Family<prometheus::Gauge>& queue_length_;
  prometheus::Family<prometheus::Histogram>& latency_;
};

// Rate-limits warnings about one Alertmanager. Thread-safe.
class WarnLimiter {
 public:
  void Warn(const std::string& url, const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (last_ && now - *last_ < kWarnInterval) {
      ++suppressed_;
      return;
    }
    LogFields fields({{"url", url}, {"error", message}});
    if (suppressed_ > 0) {
      spdlog::warn("alertmanager {}: {} ({} similar messages suppressed)", url, message,
                   suppressed_);
    } else {
      spdlog::warn("alertmanager {}: {}", url, message);
    }
    last_ = now;
    suppressed_ = 0;
  }

 private:
  std::mutex mu_;
  std::optional<SteadyTime> last_;
  size_t suppressed_ = 0;
};

}  // namespace

// One Alertmanager: a bounded queue drained in batches by a PeriodicWorker that runs when
// alerts are queued.
class AlertmanagerClient::Target {
 public:
  Target(const std::string& url, const AlertmanagerClientOptions& options, TargetMetrics metrics)
      : url_(url),
        endpoint_(TrimTrailingSlashes(url) + "/api/v2/alerts"),
        options_(options),
        metrics_(metrics),
        backoff_(options.initial_backoff, options.max_backoff),
        poster_(endpoint_, options.timeout, stopping_),
        worker_("alertmanager " + url, SystemClock::Shared(), std::chrono::milliseconds(0),
                [this](TimePoint) { DrainQueue(); }) {
    worker_.Start();
  }
  ~Target() { Stop(); }

  void Enqueue(const std::vector<AlertmanagerAlert>& alerts);
  bool WaitIdle(SteadyTime deadline);
  // Aborts an in-flight POST at once; Stop() then joins.
  void RequestStop() { stopping_ = true; }
  void Stop();

 private:
  void DrainQueue();
  std::vector<AlertmanagerAlert> NextBatch();
  void FinishBatch();
  void Deliver(const std::vector<AlertmanagerAlert>& batch);
  bool Retry(const PostResult& result, int attempt);
  bool Idle() const { return queue_.empty() && !in_flight_; }

  const std::string url_;
  const std::string endpoint_;
  const AlertmanagerClientOptions options_;
  TargetMetrics metrics_;
  WarnLimiter warn_;
  std::atomic<bool> stopping_{false};
  Backoff backoff_;          // worker only
  Poster poster_;            // worker only
  int failed_in_a_row_ = 0;  // worker only
  std::mutex mu_;
  std::condition_variable idle_;  // queue empty and nothing in flight
  std::deque<AlertmanagerAlert> queue_;
  bool in_flight_ = false;
  PeriodicWorker worker_;  // last: its task uses everything above
};

void AlertmanagerClient::Target::Enqueue(const std::vector<AlertmanagerAlert>& alerts) {
  size_t dropped = 0;
  bool stopped = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      dropped = alerts.size();
      stopped = true;
    } else {
      queue_.insert(queue_.end(), alerts.begin(), alerts.end());
      dropped =
          queue_.size() > options_.queue_capacity ? queue_.size() - options_.queue_capacity : 0;
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(dropped));
      metrics_.queue_length.Set(static_cast<double>(queue_.size()));
    }
  }
  if (!stopped) worker_.Wake();
  if (dropped == 0) return;
  metrics_.dropped.Increment(static_cast<double>(dropped));
  warn_.Warn(url_, stopped ? "client stopped, dropped " + std::to_string(dropped) + " alerts"
                           : "notification queue full, dropped the " + std::to_string(dropped) +
                                 " oldest alerts");
}

bool AlertmanagerClient::Target::WaitIdle(SteadyTime deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_.wait_until(lock, deadline, [this] { return Idle(); });
}

void AlertmanagerClient::Target::Stop() {
  RequestStop();
  worker_.Stop();  // interrupts a backoff wait; the last run sends nothing
  std::lock_guard<std::mutex> lock(mu_);
  metrics_.dropped.Increment(static_cast<double>(queue_.size()));
  queue_.clear();
  metrics_.queue_length.Set(0);
  idle_.notify_all();
}

// The worker's task: sends what is queued, batch after batch, until the queue is empty.
void AlertmanagerClient::Target::DrainQueue() {
  for (;;) {
    std::vector<AlertmanagerAlert> batch = NextBatch();
    if (batch.empty()) return;
    Deliver(batch);
    FinishBatch();
  }
}

// The next batch; empty when the queue is, or once stopping.
std::vector<AlertmanagerAlert> AlertmanagerClient::Target::NextBatch() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || queue_.empty()) return {};
  auto end =
      queue_.begin() + static_cast<std::ptrdiff_t>(std::min(queue_.size(), options_.max_batch));
  std::vector<AlertmanagerAlert> batch(std::make_move_iterator(queue_.begin()),
                                       std::make_move_iterator(end));
  queue_.erase(queue_.begin(), end);
  in_flight_ = true;
  metrics_.queue_length.Set(static_cast<double>(queue_.size()));
  return batch;
}

void AlertmanagerClient::Target::FinishBatch() {
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_ = false;
  if (Idle()) idle_.notify_all();
}

void AlertmanagerClient::Target::Deliver(const std::vector<AlertmanagerAlert>& batch) {
  const std::string body =
      AlertmanagerPayload(batch).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const auto count = static_cast<double>(batch.size());
  backoff_.Reset();
  for (int attempt = 1;; ++attempt) {
    PostResult result = poster_.Post(body);
    if (result.outcome != PostOutcome::kAborted) metrics_.latency.Observe(result.seconds);
    if (result.outcome == PostOutcome::kSent) {
      metrics_.sent.Increment(count);
      if (failed_in_a_row_ > 0) {
        LogFields fields({{"url", url_}});
        spdlog::info("alertmanager {}: delivering again after {} failed attempts", url_,
                     failed_in_a_row_);
      }
      failed_in_a_row_ = 0;
      return;
    }
    if (result.outcome != PostOutcome::kAborted) {
      metrics_.error.Increment(count);
      ++failed_in_a_row_;
    }
    if (!Retry(result, attempt)) {
      metrics_.dropped.Increment(count);
      return;
    }
  }
}

// Logs the failure; waits out the backoff unless the batch is given up or Stop() is called.
bool AlertmanagerClient::Target::Retry(const PostResult& result, int attempt) {
  if (result.outcome == PostOutcome::kAborted) return false;
  std::string what = "POST " + endpoint_ + " failed (" + result.detail + ")";
  if (result.outcome == PostOutcome::kRejected) {
    warn_.Warn(url_, what + "; not retryable, dropped the batch");
    return false;
  }
  if (attempt >= options_.max_attempts) {
    warn_.Warn(url_, what + "; gave up after " + std::to_string(attempt) + " attempts");
    return false;
  }
  std::chrono::milliseconds delay = backoff_.Next();
  warn_.Warn(url_, what + "; retrying in " + std::to_string(delay.count()) + " ms");
  return worker_.SleepUnlessStopping(delay);
}

AlertmanagerClient::AlertmanagerClient(AlertmanagerClientOptions options,
                                       prometheus::Registry& registry) {
  Validate(options);
  InitCurlOnce();
  MetricFamilies families(registry);
  for (const std::string& url : options.urls) {
    targets_.push_back(std::make_unique<Target>(url, options, families.For(url)));
  }
}

AlertmanagerClient::~AlertmanagerClient() { Stop(); }

void AlertmanagerClient::Send(std::vector<AlertmanagerAlert> alerts) {
  if (alerts.empty()) return;
  for (const auto& target : targets_) target->Enqueue(alerts);
}

bool AlertmanagerClient::FlushFor(std::chrono::milliseconds timeout) {
  SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  bool all = true;
  for (const auto& target : targets_) all = target->WaitIdle(deadline) && all;
  return all;
}

void AlertmanagerClient::Stop() {
  for (const auto& target : targets_) target->RequestStop();  // aborts every POST at once
  for (const auto& target : targets_) target->Stop();
}

nlohmann::json AlertmanagerPayload(const std::vector<AlertmanagerAlert>& alerts) {
  nlohmann::json body = nlohmann::json::array();
  for (const AlertmanagerAlert& alert : alerts) {
    nlohmann::json item = {{"labels", nlohmann::json::object()},
                           {"annotations", nlohmann::json::object()},
                           {"startsAt", FormatRfc3339(alert.starts_at)}};
    for (const auto& [name, value] : alert.labels) item["labels"][name] = value;
    for (const auto& [name, value] : alert.annotations) item["annotations"][name] = value;
    if (alert.ends_at) item["endsAt"] = FormatRfc3339(*alert.ends_at);
    if (!alert.generator_url.empty()) item["generatorURL"] = alert.generator_url;
    body.push_back(std::move(item));
  }
  return body;
}

}  // namespace fleetgate::alerts
