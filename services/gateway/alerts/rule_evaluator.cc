#include "alerts/rule_evaluator.h"

#include <spdlog/spdlog.h>

#include <set>
#include <stdexcept>

#include "alerts/evaluator_runtime.h"
#include "alerts/health_condition.h"

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

RuleEvaluator::RuleEvaluator(EvaluatorOptions options, const RuleRegistry& rules,
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
                        .Register(self_metrics)) {}

RuleEvaluator::~RuleEvaluator() { Stop(); }

void RuleEvaluator::Restore(const std::vector<storage::AlertStates>& states) {
  std::lock_guard<std::mutex> lock(mu_);
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
  try {
    std::vector<Sample> samples = Samples(runtime, round);
    if (samples.size() > options_.max_alerts_per_rule) {
      throw std::runtime_error("exceeded the limit of " +
                               std::to_string(options_.max_alerts_per_rule) + " alerts with " +
                               std::to_string(samples.size()) + " (alerting.max_alerts_per_rule)");
    }
    std::vector<StateChange> changes = runtime.alerts.Update(samples, now);
    Record(runtime, changes);
    if (!changes.empty()) Persist(runtime);
    runtime.status.health = "ok";
    runtime.status.last_error.clear();
  } catch (const std::exception& e) {
    failures_.Increment();
    runtime.status.health = "err";
    runtime.status.last_error = e.what();
    spdlog::warn("alert rule {} failed: {}", runtime.rule.name, e.what());
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  duration_.Observe(took.count());
  runtime.status.last_evaluation = now;
  runtime.status.evaluation_seconds = took.count();
  runtime.status.state = MostSevere(runtime.alerts.Alerts());
  UpdateAlertGauges(runtime);
  Notify(runtime, now, outbox);
}

std::vector<Sample> RuleEvaluator::Samples(Runtime& runtime, Round& round) {
  const Rule& rule = runtime.rule;
  if (rule.kind == RuleKind::kHealth) {
    if (!round.fleet) round.fleet = registry_.Snapshot();
    return EvaluateHealth(rule.health, *round.fleet);
  }
  const TimePoint now = round.now;
  std::vector<SeriesSample> series =
      Select(CurrentSeries(store_, rule.metric.name), runtime.matchers);
  if (rule.metric.aggregation == Aggregation::kRate) {
    runtime.counters.Record(series, now);
    series = runtime.counters.Rates();
  }
  std::vector<Sample> out;
  for (Sample& sample : Aggregate(series, rule.metric.aggregation, rule.metric.by)) {
    if (Compare(sample.value, rule.op, rule.threshold)) out.push_back(std::move(sample));
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
  thread_ = std::thread([this] { Run(); });
}

void RuleEvaluator::Run() {
  std::unique_lock<std::mutex> lock(run_mu_);
  while (!stop_) {
    lock.unlock();
    EvaluateOnce();
    lock.lock();
    run_cv_.wait_for(lock, options_.interval, [this] { return stop_; });
  }
}

void RuleEvaluator::Stop() {
  {
    std::lock_guard<std::mutex> lock(run_mu_);
    stop_ = true;
  }
  run_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
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
