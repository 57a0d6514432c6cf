#include "alerts/rule_loader.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/yaml/yaml_json.h"

namespace fleetgate::alerts {
namespace {

using nlohmann::json;

json RuleList(json document, const std::string& path) {
  if (document.is_object() && document.contains("rules")) document = document["rules"];
  if (document.is_object()) return json::array({document});
  if (document.is_null()) return json::array();
  if (!document.is_array()) {
    throw std::runtime_error(path + ": expected a rule, a list of rules or {rules: [...]}");
  }
  return document;
}

}  // namespace

std::vector<Rule> LoadRuleFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read the rule file");
  std::stringstream text;
  text << in.rdbuf();
  json document;
  try {
    document = YamlToJson(text.str());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  std::vector<Rule> rules;
  size_t index = 0;
  for (const json& item : RuleList(std::move(document), path)) {
    Result<Rule> parsed = ParseRule(item);
    if (!parsed.ok()) {
      std::string name = item.is_object() && item.value("name", json()).is_string()
                             ? " (" + item["name"].get<std::string>() + ")"
                             : "";
      throw std::runtime_error(path + ": rule " + std::to_string(index) + name + ": " +
                               parsed.error().Describe());
    }
    rules.push_back(std::move(parsed).value());
    ++index;
  }
  return rules;
}

}  // namespace fleetgate::alerts
