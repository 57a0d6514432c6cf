// RuleEvaluator's outputs: the alert history and persisted states in SQLite, and the alerts
// handed to Alertmanager (with Prometheus' re-send rules), including when a rule is deleted.
#include <algorithm>

#include "alerts/evaluator_runtime.h"
#include "alerts/rule_evaluator.h"

namespace fleetgate::alerts {
namespace {

// A firing alert is sent with an endsAt this many intervals ahead, as Prometheus does, so
// Alertmanager resolves it by itself if fleetgate stops re-sending.
constexpr int kValidityIntervals = 4;

std::pair<const char*, const char*> FromTo(AlertEvent event, const Rule& rule) {
  switch (event) {
    case AlertEvent::kPending:
      return {storage::kAlertInactive, storage::kAlertPending};
    case AlertEvent::kFiring:
      return {rule.for_duration.count() == 0 ? storage::kAlertInactive : storage::kAlertPending,
              storage::kAlertFiring};
    case AlertEvent::kResolved:
      return {storage::kAlertFiring, storage::kAlertResolved};
    case AlertEvent::kDropped:
      return {storage::kAlertPending, storage::kAlertInactive};
  }
  return {"", ""};
}

const char* StoredState(const Alert& alert) {
  switch (alert.state) {
    case AlertState::kPending:
      return storage::kAlertPending;
    case AlertState::kFiring:
      return storage::kAlertFiring;
    case AlertState::kInactive:
      return storage::kAlertResolved;
  }
  return storage::kAlertResolved;
}

// Prometheus' needsSending: never while pending; a resolution not sent yet; otherwise once
// every resend_delay.
bool NeedsSending(const Alert& alert, std::optional<TimePoint> last_sent, TimePoint now,
                  std::chrono::milliseconds resend_delay) {
  if (alert.state == AlertState::kPending) return false;
  if (!last_sent) return true;
  if (alert.resolved_at && *alert.resolved_at > *last_sent) return true;
  return *last_sent + resend_delay <= now;
}

}  // namespace

void RuleEvaluator::Record(const Runtime& runtime, const std::vector<StateChange>& changes) {
  for (const StateChange& change : changes) {
    auto [from, to] = FromTo(change.event, runtime.rule);
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
  out.ends_at = alert.resolved_at
                    ? *alert.resolved_at
                    : now + kValidityIntervals * std::max(options_.interval, options_.resend_delay);
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

}  // namespace fleetgate::alerts
