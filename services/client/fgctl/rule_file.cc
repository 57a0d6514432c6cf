#include "client/fgctl/rule_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/yaml/yaml_json.h"

namespace fleetgate::fgctl {
namespace {

using nlohmann::json;

bool IsRule(const json& value) {
  return value.is_object() && (value.contains("name") || value.contains("kind"));
}

// Helm's alertRules: {file name: [rules]}, every value a list.
bool IsRuleMap(const json& value) {
  if (!value.is_object() || value.empty() || IsRule(value)) return false;
  for (const auto& [name, rules] : value.items()) {
    if (!rules.is_array()) return false;
  }
  return true;
}

// One entry of a list: a rule, or a rule as the API returns it (the definition under "rule").
RuleList Add(RuleList list, json rule, const std::string& where) {
  if (rule.is_object() && rule.value("rule", json()).is_object()) {
    json definition = rule["rule"];
    rule = std::move(definition);
  }
  if (!rule.is_object()) {
    list.error =
        where + ": a rule is an object (name, kind, …), not " + std::string(rule.type_name());
  } else if (!rule.value("name", json()).is_string()) {
    list.error = where + ": every rule needs a string \"name\"";
  } else {
    list.rules.push_back(std::move(rule));
  }
  return list;
}

RuleList AddAll(RuleList list, const json& rules, const std::string& where) {
  for (size_t i = 0; i < rules.size() && list.ok(); ++i) {
    list = Add(std::move(list), rules[i], where + "[" + std::to_string(i) + "]");
  }
  return list;
}

// The file's text, or false when it cannot be read.
bool ReadText(const std::string& path, std::istream& standard_input, std::string& text) {
  std::stringstream buffer;
  if (path == "-") {
    buffer << standard_input.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) return false;
    buffer << in.rdbuf();
  }
  text = buffer.str();
  return true;
}

}  // namespace

RuleList RulesOf(json document, const std::string& source) {
  RuleList list;
  if (document.is_object() && document.contains("groups") && !IsRule(document)) {
    list.error = source +
                 ": a Prometheus rule file (groups:, alert:, expr:) is not a fleetgate rule; "
                 "fleetgate rules have a name and a kind (metric or health), see alerting.md";
    return list;
  }
  if (document.is_object() && document.contains("alertRules")) {
    document = document["alertRules"];
    if (document.is_object() && document.empty()) document = nullptr;
  }
  if (IsRuleMap(document) && !document.contains("rules")) {
    for (const auto& [file, rules] : document.items()) {
      list = AddAll(std::move(list), rules, "alertRules." + file);
    }
  } else if (document.is_object() && document.contains("rules") && !IsRule(document)) {
    if (!document["rules"].is_array()) {
      list.error = source + ": \"rules\" must be a list of rules";
      return list;
    }
    list = AddAll(std::move(list), document["rules"], "rules");
  } else if (document.is_array()) {
    list = AddAll(std::move(list), document, "");
  } else if (document.is_object()) {
    list = Add(std::move(list), document, "the rule");
  } else if (!document.is_null()) {
    list.error = source + ": expected a rule, a list of rules, {rules: [...]} or alertRules";
  }
  if (list.ok() && list.rules.empty()) list.error = source + ": no rules in it";
  if (!list.ok() && list.error.rfind(source + ":", 0) != 0) list.error = source + ": " + list.error;
  return list;
}

RuleList ReadRuleFile(const std::string& path, std::istream& standard_input) {
  const std::string source = path == "-" ? "standard input" : path;
  RuleList list;
  std::string text;
  if (!ReadText(path, standard_input, text)) {
    list.error = "cannot read " + path;
    return list;
  }
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!document.is_discarded()) return RulesOf(std::move(document), source);
  try {
    document = YamlToJson(text);
  } catch (const std::runtime_error& e) {
    list.error = source + ": not valid YAML or JSON: " + e.what();
    return list;
  }
  return RulesOf(std::move(document), source);
}

}  // namespace fleetgate::fgctl
