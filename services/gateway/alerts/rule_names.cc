#include "alerts/rule.h"

namespace fleetgate::alerts {

std::string_view ToString(RuleKind kind) { return kind == RuleKind::kMetric ? "metric" : "health"; }

std::string_view ToString(MatchOp op) {
  switch (op) {
    case MatchOp::kEqual:
      return "=";
    case MatchOp::kNotEqual:
      return "!=";
    case MatchOp::kRegexMatch:
      return "=~";
    case MatchOp::kRegexNoMatch:
      return "!~";
  }
  return "";
}

std::string_view ToString(Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::kSum:
      return "sum";
    case Aggregation::kAvg:
      return "avg";
    case Aggregation::kMin:
      return "min";
    case Aggregation::kMax:
      return "max";
    case Aggregation::kCount:
      return "count";
    case Aggregation::kRate:
      return "rate";
  }
  return "";
}

std::string_view ToString(CompareOp op) {
  switch (op) {
    case CompareOp::kGreater:
      return ">";
    case CompareOp::kGreaterEqual:
      return ">=";
    case CompareOp::kLess:
      return "<";
    case CompareOp::kLessEqual:
      return "<=";
    case CompareOp::kEqual:
      return "==";
    case CompareOp::kNotEqual:
      return "!=";
  }
  return "";
}

std::string_view ToString(HealthCondition condition) {
  switch (condition) {
    case HealthCondition::kInstanceNotServing:
      return "instance_not_serving";
    case HealthCondition::kUnhealthyRatio:
      return "unhealthy_ratio";
    case HealthCondition::kServiceAbsent:
      return "service_absent";
    case HealthCondition::kServiceUnhealthy:
      return "service_unhealthy";
  }
  return "";
}

}  // namespace fleetgate::alerts
