#pragma once
// The evaluator's memory of one rule between evaluations: its alerts, the counter samples of a
// rate rule, when each alert was last sent, and its status. Owned by the RuleEvaluator, used
// under its lock.

#include <map>
#include <memory>

#include "alerts/aggregation.h"
#include "alerts/rule_evaluator.h"
#include "alerts/series_select.h"
#include "alerts/template.h"

namespace fleetgate::alerts {

struct RuleEvaluator::Runtime {
  explicit Runtime(const Rule& definition)
      : rule(definition),
        alerts(definition.for_duration),
        matchers(definition.metric.matchers),
        counters(definition.metric.window.value_or(std::chrono::milliseconds(0))) {}

  // The alert's full labels: the condition's, then the rule's (which win), then alertname.
  LabelSet AlertLabels(const LabelSet& condition_labels) const {
    LabelSet out = condition_labels;
    for (const auto& [name, value] : rule.labels) out[name] = value;
    out["alertname"] = rule.name;
    return out;
  }

  // The rule's annotations with the alert's condition labels and value filled in.
  LabelSet Annotations(const Alert& alert) const {
    LabelSet out;
    for (const auto& [key, text] : rule.annotations) {
      out[key] = RenderTemplate(text, alert.labels, alert.value).text;
    }
    return out;
  }

  Rule rule;
  ActiveAlerts alerts;
  CompiledMatchers matchers;
  CounterWindow counters;
  std::map<LabelSet, TimePoint> last_sent;
  RuleStatus status;
};

}  // namespace fleetgate::alerts
