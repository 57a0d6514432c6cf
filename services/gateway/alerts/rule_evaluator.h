#pragma once
// RuleEvaluator runs every rule of the RuleCatalog every `interval` (of the injected Clock) on a
// PeriodicWorker, off the ingest path: it reads the metric store and the health registry, moves
// each alert through inactive -> pending -> firing -> resolved (ActiveAlerts), writes every state
// change and the active alerts to SQLite (write-behind), and hands firing and resolved alerts to
// the AlertNotifier, re-sending them every `resend_delay`. Time comes from the injected Clock.
// Thread-safe: the REST views may be read while it evaluates.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alert_state.h"
#include "alerts/alertmanager_client.h"
#include "alerts/rule_catalog.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/periodic_worker.h"
#include "health/health_registry.h"
#include "health/service_policy.h"
#include "metrics/metric_store.h"
#include "storage/alert_records.h"
#include "storage/history_store.h"

namespace fleetgate::alerts {

struct EvaluatorOptions {
  // Defaults: the alerting.* configuration keys.
  std::chrono::milliseconds interval = config::Defaults().alerting.evaluation_interval;
  std::chrono::milliseconds resend_delay = config::Defaults().alerting.resend_delay;
  // The base of each alert's generatorURL ({external_url}/api/v1/rules/{name}); none when empty.
  std::string external_url;
  // A rule whose condition holds for more label sets than this fails its evaluation (its
  // alerts stay as they were) instead of flooding Alertmanager, as Prometheus' rule `limit`.
  size_t max_alerts_per_rule = config::Defaults().alerting.max_alerts_per_rule;
  // The service health policies of service_unhealthy conditions; null: the defaults. Must
  // outlive the evaluator.
  const health::ServicePolicies* policies = nullptr;
};

// A rule's last evaluation, as Prometheus' rules API reports it.
struct RuleStatus {
  AlertState state = AlertState::kInactive;  // the most severe of its alerts
  std::string health = "unknown";            // "ok", "err", or "unknown" before a first run
  std::string last_error;
  std::optional<TimePoint> last_evaluation;
  double evaluation_seconds = 0;
};

// A pending or firing alert, as GET /api/v1/alerts shows it.
struct AlertView {
  std::string rule;
  LabelSet labels;  // alertname, the rule's labels and the condition's labels
  LabelSet annotations;
  AlertState state = AlertState::kPending;
  TimePoint active_at;
  double value = 0;
};

class RuleEvaluator {
 public:
  // `notifier` may be null (no Alertmanager configured). Every reference must outlive this.
  RuleEvaluator(EvaluatorOptions options, const RuleCatalog& rules, metrics::MetricStore& store,
                const health::HealthRegistry& registry, storage::HistorySink& history,
                AlertNotifier* notifier, std::shared_ptr<const Clock> clock,
                prometheus::Registry& self_metrics);
  ~RuleEvaluator();  // Stop()
  RuleEvaluator(const RuleEvaluator&) = delete;
  RuleEvaluator& operator=(const RuleEvaluator&) = delete;

  // The active alerts persisted by the last run (or by another replica, on a takeover), so an
  // alert that was firing keeps firing (same activeAt and startsAt) instead of going through
  // pending again. Replaces every alert state held so far; before Start or while paused.
  void Restore(const std::vector<storage::AlertStates>& states);

  // Before Start: the base of generatorURLs, once the HTTP port is known.
  void SetExternalUrl(std::string url) { options_.external_url = std::move(url); }

  // One evaluation of every rule at the clock's now.
  void EvaluateOnce();
  // Evaluates at once, then every interval, on a worker thread of its own; after Pause,
  // resumes so.
  void Start();
  // No evaluation (and so no notification) runs after this returns, until Start.
  void Pause();
  void Stop();  // idempotent, final

  std::optional<RuleStatus> Status(const std::string& rule) const;
  std::vector<AlertView> Alerts() const;  // pending and firing, by rule, then labels

 private:
  struct Runtime;

  Runtime& RuntimeFor(const RuleEntry& entry);
  // One evaluation round: its time, and the fleet read once for all health rules.
  struct Round {
    TimePoint now;
    std::optional<std::vector<health::Instance>> fleet;
  };

  void Evaluate(Runtime& runtime, Round& round, std::vector<AlertmanagerAlert>& outbox);
  fleetgate::Status UpdateAlerts(Runtime& runtime, Round& round);
  Result<std::vector<Sample>> Samples(Runtime& runtime, Round& round);
  void Record(const Runtime& runtime, const std::vector<StateChange>& changes);
  void Persist(const Runtime& runtime);
  void Notify(Runtime& runtime, TimePoint now, std::vector<AlertmanagerAlert>& outbox);
  void Retire(const std::string& name, TimePoint now, std::vector<AlertmanagerAlert>& outbox);
  void UpdateAlertGauges(const Runtime& runtime);
  AlertmanagerAlert ToNotification(const Runtime& runtime, const Alert& alert, TimePoint now) const;

  EvaluatorOptions options_;
  const RuleCatalog& rules_;
  metrics::MetricStore& store_;
  const health::HealthRegistry& registry_;
  storage::HistorySink& history_;
  AlertNotifier* const notifier_;
  const std::shared_ptr<const Clock> clock_;

  prometheus::Counter& evaluations_;
  prometheus::Counter& failures_;
  prometheus::Histogram& duration_;
  prometheus::Family<prometheus::Gauge>& alerts_gauge_;

  mutable std::mutex mu_;  // guards runtimes_ and restored_
  std::map<std::string, std::unique_ptr<Runtime>> runtimes_;
  std::map<std::string, std::vector<Alert>> restored_;

  std::atomic<bool> paused_{false};
  std::mutex run_mu_;  // held by the worker's task while it evaluates

  PeriodicWorker worker_;  // last: its task uses everything above
};

// Labels as the JSON object stored in SQLite and shown by the alert history.
std::string LabelsToJson(const LabelSet& labels);

}  // namespace fleetgate::alerts
