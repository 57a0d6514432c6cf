#include "alerts/promql.h"

#include "alerts/number_format.h"
#include "core/duration.h"

namespace fleetgate::alerts {
namespace {

constexpr std::string_view kInstanceUp = "fleetgate_instance_up";
constexpr std::string_view kServiceHealth = "fleetgate_service_health";

std::string Selector(std::string_view name, const std::vector<Matcher>& matchers) {
  std::string out(name);
  if (matchers.empty()) return out;
  out += "{";
  for (size_t i = 0; i < matchers.size(); ++i) {
    if (i > 0) out += ",";
    out += matchers[i].label + std::string(ToString(matchers[i].op)) +
           QuotePromQLString(matchers[i].value);
  }
  return out + "}";
}

std::string Aggregate(std::string_view op, const std::vector<std::string>& by,
                      const std::string& inner) {
  std::string out(op);
  if (!by.empty()) {
    out += " by (";
    for (size_t i = 0; i < by.size(); ++i) out += (i > 0 ? ", " : "") + by[i];
    out += ") ";
  }
  return out + "(" + inner + ")";
}

std::string MetricExpr(const Rule& rule) {
  const MetricCondition& m = rule.metric;
  std::string selector = Selector(m.name, m.matchers);
  std::string aggregated =
      m.aggregation == Aggregation::kRate
          ? Aggregate("sum", m.by, "rate(" + selector + "[" + FormatDuration(*m.window) + "])")
          : Aggregate(ToString(m.aggregation), m.by, selector);
  return aggregated + " " + std::string(ToString(rule.op)) + " " + FormatNumber(rule.threshold);
}

std::string HealthExpr(const HealthSpec& h) {
  std::vector<Matcher> matchers;
  if (h.service) matchers.push_back({"service", MatchOp::kEqual, *h.service});
  std::string up = Selector(kInstanceUp, matchers);
  switch (h.condition) {
    case HealthCondition::kInstanceNotServing:
      return up + " == 0";
    case HealthCondition::kUnhealthyRatio:
      return "1 - (" + Aggregate("sum", {"service"}, up) + " / " +
             Aggregate("count", {"service"}, up) + ") > " + FormatNumber(h.threshold);
    case HealthCondition::kServiceAbsent: {
      std::string none_serving = Aggregate("sum", {"service"}, up) + " == 0";
      return h.service ? none_serving + " or absent(" + up + ")" : none_serving;
    }
    case HealthCondition::kServiceUnhealthy: {
      // By service, so the alert's labels are {service} as fleetgate's own (no status label).
      matchers.push_back({"status", MatchOp::kEqual, "UNHEALTHY"});
      return Aggregate("max", {"service"}, Selector(kServiceHealth, matchers)) + " == 1";
    }
  }
  return "";
}

}  // namespace

std::string QuotePromQLString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

std::string ToPromQL(const Rule& rule) {
  return rule.kind == RuleKind::kMetric ? MetricExpr(rule) : HealthExpr(rule.health);
}

}  // namespace fleetgate::alerts
