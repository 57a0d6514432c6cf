#include "alerts/rule_loader.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fleetgate::alerts {
namespace {

using nlohmann::json;

json ScalarToJson(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: always a string
  if (text == "true" || text == "false") return text == "true";
  if (text == "null" || text == "~") return nullptr;
  json number = json::parse(text, nullptr, false);
  return number.is_number() ? number : json(text);
}

json NodeToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(NodeToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& entry : node) out[entry.first.Scalar()] = NodeToJson(entry.second);
      return out;
    }
    case YAML::NodeType::Scalar:
      return ScalarToJson(node);
    default:
      return nullptr;
  }
}

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

json YamlToJson(const std::string& text) { return NodeToJson(YAML::Load(text)); }

std::vector<Rule> LoadRuleFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read the rule file");
  std::stringstream text;
  text << in.rdbuf();
  json document;
  try {
    document = YamlToJson(text.str());
  } catch (const YAML::Exception& e) {
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
