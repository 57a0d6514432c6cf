#pragma once
// Delivery of firing and resolved alerts to Alertmanager's v2 API (POST {url}/api/v2/alerts).
// AlertNotifier is the seam the evaluator depends on. AlertmanagerClient is thread-safe: Send
// only queues (never waits on the network); one worker thread and one bounded queue per
// Alertmanager URL post batches, retry with backoff and count the outcome in self-metrics.

#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "alerts/rule.h"
#include "config/config.h"
#include "core/clock.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace fleetgate::alerts {

// One alert as Alertmanager receives it. `labels` include `alertname`. An alert with `ends_at`
// in the past is resolved; without it Alertmanager keeps it firing until its resolve_timeout
// passes without a re-send.
struct AlertmanagerAlert {
  LabelSet labels;
  LabelSet annotations;
  TimePoint starts_at;
  std::optional<TimePoint> ends_at;
  std::string generator_url;  // omitted from the JSON when empty
};

// Where the evaluator hands alerts for delivery. Implementations must not block the caller on
// the network and must be thread-safe.
class AlertNotifier {
 public:
  virtual ~AlertNotifier() = default;
  virtual void Send(std::vector<AlertmanagerAlert> alerts) = 0;
};

// Fields named like alerting.* configuration keys take their defaults from config::Defaults();
// config validation refuses bad values before they get here.
struct AlertmanagerClientOptions {
  // Base URLs such as http://alertmanager:9093 or http://host/prefix (a trailing '/' is
  // ignored), each once. Each is also the value of the `alertmanager` label of the self-metrics.
  std::vector<std::string> urls;
  // One POST, connect included.
  std::chrono::milliseconds timeout = config::Defaults().alerting.notification_timeout;
  // Alerts per Alertmanager; beyond, the oldest are dropped.
  size_t queue_capacity = config::Defaults().alerting.notification_queue_capacity;
  size_t max_batch = 64;  // alerts per POST
  // POSTs of one batch before it is dropped.
  int max_attempts = static_cast<int>(config::Defaults().alerting.notification_max_attempts);
  std::chrono::milliseconds initial_backoff{500};  // doubled per retry, with jitter
  std::chrono::milliseconds max_backoff{30000};
};

class AlertmanagerClient final : public AlertNotifier {
 public:
  // Registers fleetgate_notifications_total, fleetgate_notification_queue_length and
  // fleetgate_notification_latency_seconds and starts one worker per URL. Expects the
  // options as config validation leaves them (http(s) URLs, each once; a positive timeout,
  // capacity and attempts); throws std::invalid_argument for a zero max_batch.
  AlertmanagerClient(AlertmanagerClientOptions options, prometheus::Registry& registry);
  ~AlertmanagerClient() override;  // Stop()
  AlertmanagerClient(const AlertmanagerClient&) = delete;
  AlertmanagerClient& operator=(const AlertmanagerClient&) = delete;

  // Queues `alerts` for every Alertmanager and returns at once. After Stop they are dropped.
  void Send(std::vector<AlertmanagerAlert> alerts) override;

  // Waits until every queue is empty and no batch is in flight (each batch sent or given up),
  // or `timeout` passes; true when everything was handled. For tests and shutdown.
  bool FlushFor(std::chrono::milliseconds timeout);

  // Interrupts backoff waits and in-flight POSTs, drops (and counts) what is still queued and
  // joins the workers. Idempotent; returns within about a second.
  void Stop();

 private:
  class Target;
  std::vector<std::unique_ptr<Target>> targets_;
};

// The body of POST /api/v2/alerts: [{"labels","annotations","startsAt","endsAt"?,
// "generatorURL"?}], times in RFC 3339 UTC.
nlohmann::json AlertmanagerPayload(const std::vector<AlertmanagerAlert>& alerts);

}  // namespace fleetgate::alerts
