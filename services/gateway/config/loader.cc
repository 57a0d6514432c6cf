#include "config/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>

#include "config/config_keys.h"
#include "config/validators.h"

extern char** environ;

namespace fleetgate::config {
namespace {

constexpr char kEnvPrefix[] = "FLEETGATE_";

std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string closest = ClosestMatch(word, candidates);
  return closest.empty() ? "" : " (did you mean " + closest + "?)";
}

std::vector<std::string> KeyNames() {
  std::vector<std::string> names;
  for (const auto& entry : AllKeys()) names.push_back(entry.name());
  return names;
}

YAML::Node ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("--config", "cannot read \"" + path + "\"");
  try {
    return YAML::Load(in);
  } catch (const YAML::Exception& e) {
    throw ConfigError("--config", "\"" + path + "\" is not valid YAML: " + e.what());
  }
}

bool IsGroup(const std::string& prefix) {
  const std::string start = prefix + ".";
  return std::any_of(AllKeys().begin(), AllKeys().end(),
                     [&](const ConfigKey& key) { return key.name().rfind(start, 0) == 0; });
}

// The keys of a section, or of a group inside it (storage: {postgres: {url: ...}} is the key
// storage.postgres.url).
void ApplyKeys(Config& config, const std::string& prefix, const YAML::Node& map) {
  for (const auto& item : map) {
    const std::string name = prefix + "." + item.first.Scalar();
    const ConfigKey* entry = FindKey(name);
    if (entry != nullptr) {
      entry->from_yaml(config, item.second);
    } else if (item.second.IsMap() && IsGroup(name)) {
      ApplyKeys(config, name, item.second);
    } else {
      throw ConfigError(name, "unknown key" + DidYouMean(name, KeyNames()));
    }
  }
}

void ApplyFile(Config& config, const std::string& path) {
  YAML::Node root = ReadFile(path);
  if (root.IsNull()) return;
  if (!root.IsMap()) throw ConfigError("--config", "the file must be a map of sections");
  for (const auto& section : root) {
    const std::string section_name = section.first.Scalar();
    if (!section.second.IsMap()) throw ConfigError(section_name, "must be a map of keys");
    ApplyKeys(config, section_name, section.second);
  }
}

// Names without the common prefix, so that the suggestion depends on the part that differs.
std::vector<std::string> KnownVariableSuffixes() {
  std::vector<std::string> names;
  const size_t prefix = sizeof kEnvPrefix - 1;
  for (const auto& entry : AllKeys()) names.push_back(entry.env().substr(prefix));
  for (const auto& variable : ForeignVariables()) names.push_back(variable.name.substr(prefix));
  return names;
}

const ConfigKey* FindByVariable(const std::string& name) {
  for (const auto& entry : AllKeys()) {
    if (entry.env() == name) return &entry;
  }
  return nullptr;
}

void ApplyEnv(Config& config, const std::map<std::string, std::string>& env) {
  const size_t prefix = sizeof kEnvPrefix - 1;
  for (const auto& [name, value] : env) {
    if (name.compare(0, prefix, kEnvPrefix) != 0 || IsForeignVariable(name)) continue;
    const ConfigKey* entry = FindByVariable(name);
    if (entry == nullptr) {
      std::string closest = ClosestMatch(name.substr(prefix), KnownVariableSuffixes());
      if (!closest.empty()) closest = std::string(kEnvPrefix) + closest;
      throw ConfigError(
          name, "unknown variable" + (closest.empty() ? "" : " (did you mean " + closest + "?)"));
    }
    entry->from_text(config, value);
  }
}

void ApplyFlags(Config& config, const std::vector<std::pair<std::string, std::string>>& flags) {
  for (const auto& [name, text] : flags) {
    const ConfigKey* entry = FindKey(name);
    if (entry == nullptr) throw ConfigError(name, "unknown key");
    entry->from_text(config, text);
  }
}

}  // namespace

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string text = *entry;
    auto equals = text.find('=');
    if (equals == std::string::npos || text.compare(0, sizeof kEnvPrefix - 1, kEnvPrefix) != 0) {
      continue;
    }
    out.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return out;
}

Config Load(const Sources& sources) {
  Config config;
  if (!sources.file.empty()) ApplyFile(config, sources.file);
  ApplyEnv(config, sources.env);
  ApplyFlags(config, sources.flags);
  Validate(config);
  return config;
}

void Validate(const Config& config) {
  for (const auto& entry : AllKeys()) entry.validate(config);
  ValidateAcrossKeys(config);
}

std::string RenderYaml(const Config& config) {
  YAML::Node root(YAML::NodeType::Map);
  for (const auto& entry : AllKeys()) {
    YAML::Node value = entry.to_yaml(config);
    if (entry.secret && !(value.IsScalar() && value.Scalar().empty()))
      value = YAML::Node(kRedacted);
    YAML::Node parent = root[entry.section];
    std::string key = entry.key;
    for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.')) {
      parent.reset(parent[key.substr(0, dot)]);  // a group of keys: storage.postgres.url
      key.erase(0, dot + 1);
    }
    parent[key] = value;
  }
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace fleetgate::config
