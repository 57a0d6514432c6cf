#include "startup_checks.h"

#include <map>
#include <stdexcept>

#include "alerts/rule_loader.h"
#include "config/loader.h"

namespace fleetgate {
namespace {

constexpr char kRuleFiles[] = "alerting.rule_files";

void CheckRuleFiles(const std::vector<std::string>& files) {
  std::map<std::string, std::string> defined_in;  // rule name -> file
  for (const std::string& file : files) {
    std::vector<alerts::Rule> rules;
    try {
      rules = alerts::LoadRuleFile(file);
    } catch (const std::runtime_error& e) {
      throw config::ConfigError(kRuleFiles, e.what());
    }
    for (const alerts::Rule& rule : rules) {
      auto [where, added] = defined_in.emplace(rule.name, file);
      if (!added) {
        throw config::ConfigError(
            kRuleFiles, file + ": rule " + rule.name + " is already defined in " + where->second);
      }
    }
  }
}

}  // namespace

void CheckStartupConfig(const config::Config& config) {
  config::Validate(config);
  CheckRuleFiles(config.alerting.rule_files);
}

}  // namespace fleetgate
