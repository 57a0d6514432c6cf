#pragma once
// The table of every configuration key: how to read it from YAML or a string (environment
// variable or flag), and how to print it. One entry per key; used by the loader and the docs.

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "config/config.h"

namespace fleetgate::config {

struct ConfigKey {
  std::string section;
  std::string key;
  std::string help;
  std::function<void(Config&, const YAML::Node&)> from_yaml;  // throws ConfigError
  std::function<void(Config&, const std::string&)>
      from_text;  // throws ConfigError; null: YAML only
  std::function<YAML::Node(const Config&)> to_yaml;

  std::string name() const { return section + "." + key; }
  std::string env() const;  // FLEETGATE_<SECTION>_<KEY>
};

const std::vector<ConfigKey>& AllKeys();

}  // namespace fleetgate::config
