// ExportRuleFile: the rule file is emitted with yaml-cpp so every string is quoted as YAML needs.
#include <yaml-cpp/yaml.h>

#include "alerts/promql.h"
#include "core/duration.h"

namespace fleetgate::alerts {
namespace {

void EmitMap(YAML::Emitter& out, const char* key, const LabelSet& map) {
  if (map.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [name, value] : map) {
    out << YAML::Key << name << YAML::Value << YAML::DoubleQuoted << value;
  }
  out << YAML::EndMap;
}

void EmitRule(YAML::Emitter& out, const Rule& rule) {
  out << YAML::BeginMap;
  out << YAML::Key << "alert" << YAML::Value << rule.name;
  out << YAML::Key << "expr" << YAML::Value << YAML::DoubleQuoted << ToPromQL(rule);
  out << YAML::Key << "for" << YAML::Value << FormatDuration(rule.for_duration);
  EmitMap(out, "labels", rule.labels);
  EmitMap(out, "annotations", rule.annotations);
  out << YAML::EndMap;
}

}  // namespace

std::string ExportRuleFile(const std::vector<Rule>& rules) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "fleetgate";
  out << YAML::Key << "rules" << YAML::Value;
  if (rules.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const Rule& rule : rules) EmitRule(out, rule);
  out << YAML::EndSeq << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace fleetgate::alerts
