#pragma once
// Reads provisioned rules from a rule file named in `alerting.rule_files`: YAML or JSON (JSON is
// YAML), holding one rule, a list of rules, or {"rules": [...]} in the REST API's shape.
// Start-up code: throws. Thread-safe.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alerts/rule.h"

namespace fleetgate::alerts {

// Throws std::runtime_error naming the file, the rule's position and name, the field and why.
std::vector<Rule> LoadRuleFile(const std::string& path);

}  // namespace fleetgate::alerts
