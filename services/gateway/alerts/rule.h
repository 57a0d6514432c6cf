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
#include <utility>
#include <variant>
#include <vector>

namespace fleetgate::alerts {

using LabelSet = std::map<std::string, std::string>;

enum class RuleKind { kMetric, kHealth };
enum class MatchOp { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };
enum class Aggregation { kSum, kAvg, kMin, kMax, kCount, kRate };
enum class CompareOp { kGreater, kGreaterEqual, kLess, kLessEqual, kEqual, kNotEqual };
enum class HealthCondition { kInstanceNotServing, kUnhealthyRatio, kServiceAbsent };

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

// Why a rule was rejected: the JSON path of the field and a reason, e.g.
// {"metric.matchers[0].op", "must be one of =, !=, =~, !~"}.
struct RuleError {
  std::string field;
  std::string reason;
  nlohmann::json ToJson() const { return {{"field", field}, {"reason", reason}}; }
};

// A parsed Rule or the first RuleError found.
class ParseResult {
 public:
  ParseResult(Rule rule) : state_(std::move(rule)) {}         // NOLINT(google-explicit-constructor)
  ParseResult(RuleError error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return std::holds_alternative<Rule>(state_); }
  const Rule& rule() const { return std::get<Rule>(state_); }
  const RuleError& error() const { return std::get<RuleError>(state_); }

 private:
  std::variant<Rule, RuleError> state_;
};

// Validates every field of the JSON shape; unknown fields are rejected.
ParseResult ParseRule(const nlohmann::json& json);
// The canonical JSON of `rule`; ParseRule accepts it back unchanged.
nlohmann::json RuleToJson(const Rule& rule);

// The spelling of each enumerator in the JSON (and, for the operators, in PromQL).
std::string_view ToString(RuleKind kind);
std::string_view ToString(MatchOp op);
std::string_view ToString(Aggregation aggregation);
std::string_view ToString(CompareOp op);
std::string_view ToString(HealthCondition condition);

}  // namespace fleetgate::alerts
