#include "alerts/rule_evaluator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "alerts/alert_delivery.h"
#include "alerts/evaluator_runtime.h"
#include "alerts/health_condition.h"
#include "core/log_fields.h"

namespace fleetgate::alerts {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

// Evaluations take microseconds to a few hundred milliseconds (100k series).
const prometheus::Histogram::BucketBoundaries kDurationBuckets{0.0001, 0.0005, 0.001, 0.005, 0.01,
                                                               0.05,   0.1,    0.5,   1,     5};

bool SameCondition(const Rule& a, const Rule& b) {
  return RuleToJson(a).value("metric", nlohmann::json()) ==
             RuleToJson(b).value("metric", nlohmann::json()) &&
         a.kind == b.kind;
}

AlertState MostSevere(const std::vector<Alert>& alerts) {
  AlertState out = AlertState::kInactive;
  for (const Alert& alert : alerts) {
    if (alert.state == AlertState::kFiring) return AlertState::kFiring;
    if (alert.state == AlertState::kPending) out = AlertState::kPending;
  }
  return out;
}

}  // namespace

std::string LabelsToJson(const LabelSet& labels) { return nlohmann::json(labels).dump(); }

RuleEvaluator::RuleEvaluator(EvaluatorOptions options, const RuleCatalog& rules,
                             metrics::MetricStore& store, const health::HealthRegistry& registry,
                             storage::HistorySink& history, AlertNotifier* notifier,
                             std::shared_ptr<const Clock> clock, prometheus::Registry& self_metrics)
    : options_(std::move(options)),
      rules_(rules),
      store_(store),
      registry_(registry),
      history_(history),
      notifier_(notifier),
      clock_(std::move(clock)),
      evaluations_(BuildCounter()
                       .Name("fleetgate_rule_evaluations_total")
                       .Help("Alert rule evaluations.")
                       .Register(self_metrics)
                       .Add({})),
      failures_(BuildCounter()
                    .Name("fleetgate_rule_evaluation_failures_total")
                    .Help("Alert rule evaluations that failed (the rule's lastError says why).")
                    .Register(self_metrics)
                    .Add({})),
      duration_(BuildHistogram()
                    .Name("fleetgate_rule_evaluation_duration_seconds")
                    .Help("Time taken by one alert rule evaluation.")
                    .Register(self_metrics)
                    .Add({}, kDurationBuckets)),
      alerts_gauge_(BuildGauge()
                        .Name("fleetgate_alerts")
                        .Help("Active alerts by rule and state (pending or firing).")
                        .Register(self_metrics)),
      worker_("rule-evaluator", clock_, options_.interval, [this](TimePoint) {
        // PeriodicWorker runs its task once more when stopped; an evaluation then is not due.
        std::lock_guard<std::mutex> running(run_mu_);
        if (!worker_.stopping() && !paused_.load()) EvaluateOnce();
      }) {}

RuleEvaluator::~RuleEvaluator() { Stop(); }

void RuleEvaluator::Restore(const std::vector<storage::AlertStates>& states) {
  std::lock_guard<std::mutex> lock(mu_);
  runtimes_.clear();
  restored_.clear();
  for (const storage::AlertStates& rule : states) {
    for (const storage::AlertStateRecord& record : rule.alerts) {
      auto labels = nlohmann::json::parse(record.labels_json, nullptr, false);
      if (!labels.is_object()) continue;
      Alert alert;
      alert.labels = labels.get<LabelSet>();
      alert.state = record.state == storage::kAlertFiring    ? AlertState::kFiring
                    : record.state == storage::kAlertPending ? AlertState::kPending
                                                             : AlertState::kInactive;
      alert.active_at = record.active_at;
      alert.fired_at = record.fired_at;
      alert.resolved_at = record.resolved_at;
      if (alert.state == AlertState::kInactive && !alert.resolved_at) continue;
      alert.value = record.value;
      restored_[rule.rule].push_back(std::move(alert));
    }
  }
}

void RuleEvaluator::EvaluateOnce() {
  const TimePoint now = clock_->Now();
  const std::vector<RuleEntry> entries = rules_.List();
  std::vector<AlertmanagerAlert> outbox;
  Round round{now, std::nullopt};
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::string> current;
    for (const RuleEntry& entry : entries) {
      current.insert(entry.rule.name);
      Evaluate(RuntimeFor(entry), round, outbox);
    }
    std::vector<std::string> gone;
    for (const auto& [name, runtime] : runtimes_) {
      if (!current.count(name)) gone.push_back(name);
    }
    for (const auto& [name, alerts] : restored_) {
      if (!current.count(name)) gone.push_back(name);
    }
    for (const std::string& name : gone) Retire(name, now, outbox);
  }
  if (notifier_ != nullptr && !outbox.empty()) notifier_->Send(std::move(outbox));
}

// Called with mu_ held.
RuleEvaluator::Runtime& RuleEvaluator::RuntimeFor(const RuleEntry& entry) {
  auto& slot = runtimes_[entry.rule.name];
  if (!slot) {
    slot = std::make_unique<Runtime>(entry.rule);
    auto restored = restored_.find(entry.rule.name);
    if (restored != restored_.end()) {
      for (Alert& alert : restored->second) slot->alerts.Restore(std::move(alert));
      restored_.erase(restored);
    }
    return *slot;
  }
  if (!SameCondition(slot->rule, entry.rule)) {
    slot->matchers = CompiledMatchers(entry.rule.metric.matchers);
    slot->counters = CounterWindow(entry.rule.metric.window.value_or(std::chrono::milliseconds(0)));
  }
  slot->alerts.set_hold_duration(entry.rule.for_duration);
  slot->rule = entry.rule;
  return *slot;
}

// Called with mu_ held.
void RuleEvaluator::Evaluate(Runtime& runtime, Round& round,
                             std::vector<AlertmanagerAlert>& outbox) {
  const TimePoint now = round.now;
  const auto started = std::chrono::steady_clock::now();
  evaluations_.Increment();
  if (fleetgate::Status updated = UpdateAlerts(runtime, round); updated.ok()) {
    runtime.status.health = "ok";
    runtime.status.last_error.clear();
  } else {
    failures_.Increment();
    runtime.status.health = "err";
    runtime.status.last_error = updated.error().Describe();
    LogFields fields({{"rule", runtime.rule.name}, {"error", runtime.status.last_error}});
    spdlog::warn("alert rule {} failed: {}", runtime.rule.name, runtime.status.last_error);
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  duration_.Observe(took.count());
  runtime.status.last_evaluation = now;
  runtime.status.evaluation_seconds = took.count();
  runtime.status.state = MostSevere(runtime.alerts.Alerts());
  UpdateAlertGauges(runtime);
  Notify(runtime, now, outbox);
}

// Moves the rule's alerts on with this round's samples, and records the changes.
fleetgate::Status RuleEvaluator::UpdateAlerts(Runtime& runtime, Round& round) {
  Result<std::vector<Sample>> samples = Samples(runtime, round);
  if (!samples.ok()) return samples.error();
  std::vector<StateChange> changes = runtime.alerts.Update(samples.value(), round.now);
  Record(runtime, changes);
  if (!changes.empty()) Persist(runtime);
  return fleetgate::Status::Ok();
}

// The label sets for which the condition holds; an error past max_alerts_per_rule.
Result<std::vector<Sample>> RuleEvaluator::Samples(Runtime& runtime, Round& round) {
  const Rule& rule = runtime.rule;
  std::vector<Sample> out;
  if (rule.kind == RuleKind::kHealth) {
    if (!round.fleet) round.fleet = registry_.Snapshot();
    out = EvaluateHealth(rule.health, *round.fleet, options_.policies);
  } else {
    std::vector<SeriesSample> series =
        Select(CurrentSeries(store_, rule.metric.name), runtime.matchers);
    if (rule.metric.aggregation == Aggregation::kRate) {
      runtime.counters.Record(series, round.now);
      series = runtime.counters.Rates();
    }
    for (Sample& sample : Aggregate(series, rule.metric.aggregation, rule.metric.by)) {
      if (Compare(sample.value, rule.op, rule.threshold)) out.push_back(std::move(sample));
    }
  }
  if (out.size() > options_.max_alerts_per_rule) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "exceeded the limit of " + std::to_string(options_.max_alerts_per_rule) +
                         " alerts with " + std::to_string(out.size()) +
                         " (alerting.max_alerts_per_rule)");
  }
  return out;
}

void RuleEvaluator::UpdateAlertGauges(const Runtime& runtime) {
  size_t pending = 0;
  size_t firing = 0;
  for (const Alert& alert : runtime.alerts.Alerts()) {
    pending += alert.state == AlertState::kPending;
    firing += alert.state == AlertState::kFiring;
  }
  alerts_gauge_.Add({{"alertname", runtime.rule.name}, {"state", "pending"}})
      .Set(static_cast<double>(pending));
  alerts_gauge_.Add({{"alertname", runtime.rule.name}, {"state", "firing"}})
      .Set(static_cast<double>(firing));
}

void RuleEvaluator::Start() {
  paused_ = false;
  worker_.Start();
  worker_.Wake();  // the first evaluation at once, the next after an interval
}

void RuleEvaluator::Pause() {
  paused_ = true;
  std::lock_guard<std::mutex> running(run_mu_);  // waits for an evaluation in progress
}

void RuleEvaluator::Stop() { worker_.Stop(); }

void RuleEvaluator::Record(const Runtime& runtime, const std::vector<StateChange>& changes) {
  for (const StateChange& change : changes) {
    auto [from, to] = HistoryStates(change.event, runtime.rule);
    history_.Enqueue(storage::AlertTransition{runtime.rule.name,
                                              LabelsToJson(runtime.AlertLabels(change.labels)),
                                              from, to, change.value, change.at});
  }
}

void RuleEvaluator::Persist(const Runtime& runtime) {
  storage::AlertStates states{runtime.rule.name, {}};
  for (const Alert& alert : runtime.alerts.Alerts()) {
    states.alerts.push_back({LabelsToJson(alert.labels), StoredState(alert), alert.active_at,
                             alert.fired_at, alert.resolved_at, alert.value});
  }
  history_.Enqueue(std::move(states));
}

AlertmanagerAlert RuleEvaluator::ToNotification(const Runtime& runtime, const Alert& alert,
                                                TimePoint now) const {
  AlertmanagerAlert out;
  out.labels = runtime.AlertLabels(alert.labels);
  out.annotations = runtime.Annotations(alert);
  out.starts_at = alert.fired_at.value_or(alert.active_at);
  out.ends_at = alert.resolved_at ? *alert.resolved_at
                                  : FiringEndsAt(now, options_.interval, options_.resend_delay);
  if (!options_.external_url.empty()) {
    out.generator_url = options_.external_url + "/api/v1/rules/" + runtime.rule.name;
  }
  return out;
}

void RuleEvaluator::Notify(Runtime& runtime, TimePoint now,
                           std::vector<AlertmanagerAlert>& outbox) {
  std::map<LabelSet, TimePoint> sent;
  for (const Alert& alert : runtime.alerts.Alerts()) {
    auto last = runtime.last_sent.find(alert.labels);
    std::optional<TimePoint> last_sent;
    if (last != runtime.last_sent.end()) last_sent = last->second;
    if (NeedsSending(alert, last_sent, now, options_.resend_delay)) {
      outbox.push_back(ToNotification(runtime, alert, now));
      last_sent = now;
    }
    if (last_sent) sent[alert.labels] = *last_sent;
  }
  runtime.last_sent = std::move(sent);  // forgets alerts that are gone
}

// A rule that was deleted: its firing alerts resolve now (history and Alertmanager), its
// stored states and its gauges go. Called with mu_ held.
void RuleEvaluator::Retire(const std::string& name, TimePoint now,
                           std::vector<AlertmanagerAlert>& outbox) {
  restored_.erase(name);
  history_.Enqueue(storage::AlertStates{name, {}});
  auto it = runtimes_.find(name);
  if (it == runtimes_.end()) return;
  Runtime& runtime = *it->second;
  for (Alert alert : runtime.alerts.Alerts()) {
    if (alert.state != AlertState::kFiring) continue;
    alert.state = AlertState::kInactive;
    alert.resolved_at = now;
    Record(runtime, {{AlertEvent::kResolved, alert.labels, alert.value, now}});
    outbox.push_back(ToNotification(runtime, alert, now));
  }
  for (const char* state : {"pending", "firing"}) {
    alerts_gauge_.Remove(&alerts_gauge_.Add({{"alertname", name}, {"state", state}}));
  }
  runtimes_.erase(it);
}

std::optional<RuleStatus> RuleEvaluator::Status(const std::string& rule) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = runtimes_.find(rule);
  if (it == runtimes_.end()) return std::nullopt;
  return it->second->status;
}

std::vector<AlertView> RuleEvaluator::Alerts() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AlertView> out;
  for (const auto& [name, runtime] : runtimes_) {
    for (const Alert& alert : runtime->alerts.Alerts()) {
      if (alert.state == AlertState::kInactive) continue;
      out.push_back({name, runtime->AlertLabels(alert.labels), runtime->Annotations(alert),
                     alert.state, alert.active_at, alert.value});
    }
  }
  return out;
}

}  // namespace fleetgate::alerts
