#include "alerts/rule.h"
#include "core/duration.h"

namespace fleetgate::alerts {
namespace {

using nlohmann::json;

json MetricToJson(const MetricCondition& m) {
  json matchers = json::array();
  for (const Matcher& matcher : m.matchers) {
    matchers.push_back(
        {{"label", matcher.label}, {"op", ToString(matcher.op)}, {"value", matcher.value}});
  }
  json out = {{"name", m.name}, {"matchers", matchers}, {"aggregation", ToString(m.aggregation)}};
  if (!m.by.empty()) out["by"] = m.by;
  if (m.window) out["window"] = FormatDuration(*m.window);
  return out;
}

json HealthToJson(const HealthSpec& h) {
  json out = {{"condition", ToString(h.condition)}};
  if (h.service) out["service"] = *h.service;
  if (h.condition == HealthCondition::kUnhealthyRatio) out["threshold"] = h.threshold;
  return out;
}

}  // namespace

json RuleToJson(const Rule& rule) {
  json out = {{"name", rule.name}, {"kind", ToString(rule.kind)}};
  if (rule.kind == RuleKind::kMetric) {
    out["metric"] = MetricToJson(rule.metric);
    out["op"] = ToString(rule.op);
    out["threshold"] = rule.threshold;
  } else {
    out["health"] = HealthToJson(rule.health);
  }
  out["for"] = FormatDuration(rule.for_duration);
  out["labels"] = rule.labels;
  out["annotations"] = rule.annotations;
  return out;
}

}  // namespace fleetgate::alerts
