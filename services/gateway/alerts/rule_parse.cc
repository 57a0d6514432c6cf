// ParseRule: every check names the JSON path of the offending field.
#include <re2/re2.h>

#include <cmath>
#include <initializer_list>
#include <set>

#include "alerts/rule.h"
#include "alerts/template.h"
#include "core/duration.h"
#include "metrics/validation.h"

namespace fleetgate::alerts {
namespace {

using nlohmann::json;
using Check = std::optional<Error>;

Error InvalidField(std::string field, std::string reason) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(reason), std::move(field), kInvalidRule);
}

std::string Join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

template <typename E>
std::optional<E> FromString(const std::string& text, std::initializer_list<E> values) {
  for (E value : values) {
    if (ToString(value) == text) return value;
  }
  return std::nullopt;
}

template <typename E>
std::string OneOf(std::initializer_list<E> values) {
  std::string out = "must be one of ";
  for (E value : values) out += std::string(ToString(value)) + ", ";
  return out.substr(0, out.size() - 2);
}

template <typename E>
Check ReadEnum(const json& j, const std::string& field, std::initializer_list<E> values, E& out) {
  if (j.is_null()) return InvalidField(field, "is required");
  if (!j.is_string()) return InvalidField(field, OneOf(values));
  auto parsed = FromString(j.get<std::string>(), values);
  if (!parsed) return InvalidField(field, OneOf(values));
  out = *parsed;
  return std::nullopt;
}

Check CheckObject(const json& j, const std::string& field, std::set<std::string> allowed) {
  if (!j.is_object()) return InvalidField(field.empty() ? "rule" : field, "must be an object");
  for (const auto& [key, value] : j.items()) {
    if (!allowed.count(key)) return InvalidField(Join(field, key), "unknown field");
  }
  return std::nullopt;
}

Check ReadString(const json& j, const std::string& field, std::string& out) {
  if (j.is_null()) return InvalidField(field, "is required");
  if (!j.is_string()) return InvalidField(field, "must be a string");
  out = j.get<std::string>();
  return std::nullopt;
}

Check ReadNumber(const json& j, const std::string& field, double& out) {
  if (j.is_null()) return InvalidField(field, "is required");
  if (!j.is_number() || !std::isfinite(j.get<double>())) {
    return InvalidField(field, "must be a finite number");
  }
  out = j.get<double>();
  return std::nullopt;
}

Check ReadDuration(const json& j, const std::string& field, std::chrono::milliseconds& out) {
  std::optional<std::chrono::milliseconds> d;
  if (j.is_string()) d = ParseDuration(j.get<std::string>());
  if (!d) return InvalidField(field, "must be a Prometheus duration such as 30s, 5m or 1h30m");
  out = *d;
  return std::nullopt;
}

Check ReadMatcher(const json& j, const std::string& field, Matcher& out) {
  if (auto e = CheckObject(j, field, {"label", "op", "value"})) return e;
  if (auto e = ReadString(j.value("label", json()), field + ".label", out.label)) return e;
  if (!metrics::IsValidLabelName(out.label) || out.label == "__name__") {
    return InvalidField(field + ".label",
                        "must be a label name ([a-zA-Z_][a-zA-Z0-9_]*) other than "
                        "__name__ (use metric.name)");
  }
  auto ops = {MatchOp::kEqual, MatchOp::kNotEqual, MatchOp::kRegexMatch, MatchOp::kRegexNoMatch};
  if (auto e = ReadEnum(j.value("op", json()), field + ".op", ops, out.op)) return e;
  if (auto e = ReadString(j.value("value", json()), field + ".value", out.value)) return e;
  if (!metrics::IsValidUtf8(out.value))
    return InvalidField(field + ".value", "must be valid UTF-8");
  if (out.op == MatchOp::kRegexMatch || out.op == MatchOp::kRegexNoMatch) {
    RE2 re(out.value, RE2::Quiet);
    if (!re.ok()) return InvalidField(field + ".value", "invalid RE2 regex: " + re.error());
  }
  return std::nullopt;
}

Check ReadLabelNames(const json& j, const std::string& field, std::vector<std::string>& out) {
  if (!j.is_array()) return InvalidField(field, "must be an array of label names");
  std::set<std::string> seen;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string item = field + "[" + std::to_string(i) + "]";
    std::string name;
    if (auto e = ReadString(j[i], item, name)) return e;
    if (!metrics::IsValidLabelName(name)) return InvalidField(item, "must be a label name");
    if (!seen.insert(name).second) return InvalidField(item, "duplicate label name");
    out.push_back(name);
  }
  return std::nullopt;
}

Check ReadMetric(const json& j, MetricCondition& out) {
  const std::string f = "metric";
  if (auto e = CheckObject(j, f, {"name", "matchers", "aggregation", "by", "window"})) return e;
  if (auto e = ReadString(j.value("name", json()), f + ".name", out.name)) return e;
  if (!metrics::IsValidMetricName(out.name)) {
    return InvalidField(f + ".name", "must be a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
  }
  const json& matchers = j.value("matchers", json::array());
  if (!matchers.is_array()) return InvalidField(f + ".matchers", "must be an array");
  for (size_t i = 0; i < matchers.size(); ++i) {
    Matcher m;
    if (auto e = ReadMatcher(matchers[i], f + ".matchers[" + std::to_string(i) + "]", m)) return e;
    out.matchers.push_back(std::move(m));
  }
  auto aggs = {Aggregation::kSum, Aggregation::kAvg,   Aggregation::kMin,
               Aggregation::kMax, Aggregation::kCount, Aggregation::kRate};
  if (auto e =
          ReadEnum(j.value("aggregation", json()), f + ".aggregation", aggs, out.aggregation)) {
    return e;
  }
  if (j.contains("by")) {
    if (auto e = ReadLabelNames(j["by"], f + ".by", out.by)) return e;
  }
  if (j.contains("window")) {
    std::chrono::milliseconds w{0};
    if (auto e = ReadDuration(j["window"], f + ".window", w)) return e;
    if (w.count() <= 0) return InvalidField(f + ".window", "must be greater than 0");
    out.window = w;
  }
  if (out.aggregation == Aggregation::kRate && !out.window) {
    return InvalidField(f + ".window", "is required for aggregation rate");
  }
  return std::nullopt;
}

Check ReadHealth(const json& j, HealthSpec& out) {
  const std::string f = "health";
  if (auto e = CheckObject(j, f, {"service", "condition", "threshold"})) return e;
  if (j.contains("service")) {
    std::string service;
    if (auto e = ReadString(j["service"], f + ".service", service)) return e;
    if (service.empty() || !metrics::IsValidUtf8(service)) {
      return InvalidField(f + ".service",
                          "must be a non-empty UTF-8 string (omit for every service)");
    }
    out.service = service;
  }
  auto conditions = {HealthCondition::kInstanceNotServing, HealthCondition::kUnhealthyRatio,
                     HealthCondition::kServiceAbsent, HealthCondition::kServiceUnhealthy};
  if (auto e =
          ReadEnum(j.value("condition", json()), f + ".condition", conditions, out.condition)) {
    return e;
  }
  bool ratio = out.condition == HealthCondition::kUnhealthyRatio;
  if (!ratio) {
    if (j.contains("threshold")) return InvalidField(f + ".threshold", "only for unhealthy_ratio");
    return std::nullopt;
  }
  if (auto e = ReadNumber(j.value("threshold", json()), f + ".threshold", out.threshold)) return e;
  if (out.threshold < 0 || out.threshold >= 1) {
    return InvalidField(f + ".threshold", "must be in [0, 1)");
  }
  return std::nullopt;
}

Check ReadLabelMap(const json& j, const std::string& field, bool reserve_alertname, LabelSet& out) {
  if (!j.is_object()) return InvalidField(field, "must be an object of strings");
  for (const auto& [key, value] : j.items()) {
    std::string item = field + "." + key;
    if (!metrics::IsValidLabelName(key) || key.rfind("__", 0) == 0) {
      return InvalidField(item, "name must match [a-zA-Z_][a-zA-Z0-9_]* without a __ prefix");
    }
    if (reserve_alertname && key == "alertname") {
      return InvalidField(item, "alertname is set from the rule name");
    }
    std::string text;
    if (auto e = ReadString(value, item, text)) return e;
    if (!metrics::IsValidUtf8(text)) return InvalidField(item, "must be valid UTF-8");
    out[key] = text;
  }
  return std::nullopt;
}

// Annotations are templates (only {{ $labels.<name> }} and {{ $value }}); label values are not
// rendered here, so a "{{" in one would make Prometheus read a template the gateway never runs.
Check CheckTemplates(const Rule& rule) {
  for (const auto& [key, text] : rule.labels) {
    if (text.find("{{") != std::string::npos) {
      return InvalidField("labels." + key, "label values are not templates: {{ is not allowed");
    }
  }
  for (const auto& [key, text] : rule.annotations) {
    RenderedTemplate rendered = RenderTemplate(text, {}, 0);
    if (!rendered.ok) return InvalidField("annotations." + key, rendered.error);
  }
  return std::nullopt;
}

bool IsValidRuleName(const std::string& name) {
  return !name.empty() && metrics::IsValidLabelName(name);
}

Check ReadCondition(const json& j, Rule& rule) {
  auto kinds = {RuleKind::kMetric, RuleKind::kHealth};
  if (auto e = ReadEnum(j.value("kind", json()), "kind", kinds, rule.kind)) return e;
  if (rule.kind == RuleKind::kHealth) {
    for (const char* key : {"metric", "op", "threshold"}) {
      if (j.contains(key)) return InvalidField(key, "not allowed for kind health");
    }
    if (!j.contains("health")) return InvalidField("health", "is required for kind health");
    return ReadHealth(j["health"], rule.health);
  }
  if (j.contains("health")) return InvalidField("health", "not allowed for kind metric");
  if (!j.contains("metric")) return InvalidField("metric", "is required for kind metric");
  if (auto e = ReadMetric(j["metric"], rule.metric)) return e;
  auto ops = {CompareOp::kGreater,   CompareOp::kGreaterEqual, CompareOp::kLess,
              CompareOp::kLessEqual, CompareOp::kEqual,        CompareOp::kNotEqual};
  if (auto e = ReadEnum(j.value("op", json()), "op", ops, rule.op)) return e;
  return ReadNumber(j.value("threshold", json()), "threshold", rule.threshold);
}

}  // namespace

Result<Rule> ParseRule(const json& j) {
  Rule rule;
  if (auto e = CheckObject(j, "",
                           {"name", "kind", "metric", "health", "op", "threshold", "for", "labels",
                            "annotations"})) {
    return *e;
  }
  if (auto e = ReadString(j.value("name", json()), "name", rule.name)) return *e;
  if (!IsValidRuleName(rule.name)) return InvalidField("name", "must match [a-zA-Z_][a-zA-Z0-9_]*");
  if (auto e = ReadCondition(j, rule)) return *e;
  if (j.contains("for")) {
    if (auto e = ReadDuration(j["for"], "for", rule.for_duration)) return *e;
  }
  if (j.contains("labels")) {
    if (auto e = ReadLabelMap(j["labels"], "labels", true, rule.labels)) return *e;
  }
  if (j.contains("annotations")) {
    if (auto e = ReadLabelMap(j["annotations"], "annotations", false, rule.annotations)) return *e;
  }
  if (auto e = CheckTemplates(rule)) return *e;
  return rule;
}

}  // namespace fleetgate::alerts
