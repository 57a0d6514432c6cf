#pragma once
// The table of every configuration key, the one place a key is declared: its name, type,
// default (the value in Config{}), per-key validator, one-line doc and whether it is secret.
// The loader (YAML, FLEETGATE_* variables, flags), --print-config, --check-config and the docs
// check all read it. Built once; thread-safe to read.

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "config/config.h"

namespace fleetgate::config {

struct ConfigKey {
  std::string section;
  std::string key;
  std::string type;  // as the docs name it: integer, duration, string, list of numbers, ...
  std::string help;  // one line
  bool secret = false;
  std::function<void(Config&, const YAML::Node&)> from_yaml;  // throws ConfigError
  // From a variable or flag: the text itself, or a map's or list's YAML flow text; throws
  // ConfigError.
  std::function<void(Config&, const std::string&)> from_text;
  std::function<YAML::Node(const Config&)> to_yaml;
  std::function<void(const Config&)> validate;  // this key's range/format; throws ConfigError

  std::string name() const { return section + "." + key; }
  std::string env() const;  // FLEETGATE_<SECTION>_<KEY>
  // The value as one line of YAML (flow style), e.g. `30s`, `[]`, `""`.
  std::string Text(const Config& config) const;
  std::string DefaultText() const { return Text(Config{}); }
};

const std::vector<ConfigKey>& AllKeys();

// The key named "section.key"; null when there is none.
const ConfigKey* FindKey(const std::string& name);

// FLEETGATE_* variables that are not gateway keys and that the gateway therefore ignores: the
// clients' own (fgctl, the example service). Any other FLEETGATE_* variable is an error.
struct ForeignVariable {
  std::string name;
  std::string reader;  // who reads it
  std::string help;
};
const std::vector<ForeignVariable>& ForeignVariables();

// True for a ForeignVariables() name and for the variables Kubernetes adds for each Service of
// the namespace (a Service "fleetgate" gives FLEETGATE_SERVICE_HOST, FLEETGATE_PORT_8080_TCP_ADDR,
// ...), which the gateway ignores too.
bool IsForeignVariable(const std::string& name);

// The candidate closest to `word` by edit distance when it is close enough to be a typo
// (at most a third of its length, at least 2); empty otherwise.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace fleetgate::config
