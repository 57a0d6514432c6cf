#pragma once
// The alert rule model (issue 4): a metric-threshold or fleet-health condition plus `for`,
// labels and annotations, its JSON parsing with field-level validation, and its JSON rendering.
// Plain value types and pure functions; thread-safe.

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace fleetgate::alerts {

using LabelSet = std::map<std::string, std::string>;

enum class RuleKind { kMetric, kHealth };
enum class MatchOp { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };
enum class Aggregation { kSum, kAvg, kMin, kMax, kCount, kRate };
enum class CompareOp { kGreater, kGreaterEqual, kLess, kLessEqual, kEqual, kNotEqual };
enum class HealthCondition {
  kInstanceNotServing,
  kUnhealthyRatio,
  kServiceAbsent,
  kServiceUnhealthy
};

struct Matcher {
  std::string label;
  MatchOp op = MatchOp::kEqual;
  std::string value;  // a literal, or an RE2 pattern (fully anchored, as in PromQL) for =~ / !~
};

struct MetricCondition {
  std::string name;
  std::vector<Matcher> matchers;
  Aggregation aggregation = Aggregation::kSum;
  std::vector<std::string> by;
  // Required for rate (the range of rate()); accepted but unused by the other aggregations,
  // which aggregate the latest sample of each series like a PromQL instant query.
  std::optional<std::chrono::milliseconds> window;
};

struct HealthSpec {
  std::optional<std::string> service;  // nullopt: every service
  HealthCondition condition = HealthCondition::kInstanceNotServing;
  double threshold = 0;  // unhealthy_ratio only: the share of not-SERVING instances, in [0, 1)
};

struct Rule {
  std::string name;
  RuleKind kind = RuleKind::kMetric;
  MetricCondition metric;              // kind == kMetric
  CompareOp op = CompareOp::kGreater;  // kind == kMetric
  double threshold = 0;                // kind == kMetric
  HealthSpec health;                   // kind == kHealth
  std::chrono::milliseconds for_duration{0};
  LabelSet labels;
  LabelSet annotations;
};

// The reason of every rule validation error: the Error's field is the JSON path of the field
// at fault and its message says why, e.g. {"metric.matchers[0].op", "must be one of =, !=, =~,
// !~"}.
inline constexpr std::string_view kInvalidRule = "invalid_rule";

// Validates every field of the JSON shape; unknown fields are rejected. The first
// invalid field is a kInvalidArgument Error with the reason kInvalidRule.
Result<Rule> ParseRule(const nlohmann::json& json);
// The canonical JSON of `rule`; ParseRule accepts it back unchanged.
nlohmann::json RuleToJson(const Rule& rule);

// The spelling of each enumerator in the JSON (and, for the operators, in PromQL).
std::string_view ToString(RuleKind kind);
std::string_view ToString(MatchOp op);
std::string_view ToString(Aggregation aggregation);
std::string_view ToString(CompareOp op);
std::string_view ToString(HealthCondition condition);

}  // namespace fleetgate::alerts
