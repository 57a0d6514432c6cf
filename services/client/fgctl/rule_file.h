#pragma once
// The rules in a file given to `fgctl rules apply`, in every shape fleetgate itself reads them:
// a rule file of `alerting.rule_files` (one rule, a list of rules, or {rules: [...]}), the Helm
// chart's `alertRules` (a map of file name to a list of rules, alone or in a values file), or
// what `fgctl --json rules get|list` prints (the definition under "rule"). YAML or JSON.
// Rules are checked for a name only; the gateway checks the rest. Pure functions; thread-safe.

#include <istream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fleetgate::fgctl {

struct RuleList {
  std::vector<nlohmann::json> rules;  // each a rule as POST /api/v1/rules takes it
  std::string error;                  // why the document is not a list of rules; one line
  bool ok() const { return error.empty(); }
};

// The rules of a parsed document. `source` names it in errors ("rules.yaml").
RuleList RulesOf(nlohmann::json document, const std::string& source);

// Reads `path` ("-": `standard_input`) as JSON, else as YAML, and returns its rules.
RuleList ReadRuleFile(const std::string& path, std::istream& standard_input);

}  // namespace fleetgate::fgctl
