#pragma once
// How a configuration value of each type is read from YAML or from text (an environment variable
// or a flag) and rendered back as YAML. Internal to the config library. Pure functions; each
// parser throws ConfigError naming `key`.

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "config/config.h"

namespace fleetgate::config {

using BucketsPerMetric = std::map<std::string, std::vector<double>>;

// Types that only YAML can express (maps); they have no environment variable or flag.
template <typename T>
constexpr bool kYamlOnly = std::is_same_v<T, BucketsPerMetric> || std::is_same_v<T, RateLimit> ||
                           std::is_same_v<T, ServicePolicyMap>;

// Parses one value of type T from text. Lists are comma-separated.
template <typename T>
T ParseText(const std::string& key, const std::string& text);
template <>
std::string ParseText<std::string>(const std::string& key, const std::string& text);
template <>
size_t ParseText<size_t>(const std::string& key, const std::string& text);
template <>
bool ParseText<bool>(const std::string& key, const std::string& text);
template <>
milliseconds ParseText<milliseconds>(const std::string& key, const std::string& text);
template <>
std::vector<double> ParseText<std::vector<double>>(const std::string& key, const std::string& text);
template <>
std::vector<std::string> ParseText<std::vector<std::string>>(const std::string& key,
                                                             const std::string& text);

// Parses one value of type T from a YAML node: scalars through ParseText, lists and maps natively.
template <typename T>
T ParseYaml(const std::string& key, const YAML::Node& node) {
  if (!node.IsScalar()) throw ConfigError(key, "must be a single value");
  return ParseText<T>(key, node.Scalar());
}
template <>
std::vector<double> ParseYaml<std::vector<double>>(const std::string& key, const YAML::Node& node);
template <>
std::vector<std::string> ParseYaml<std::vector<std::string>>(const std::string& key,
                                                             const YAML::Node& node);
template <>
BucketsPerMetric ParseYaml<BucketsPerMetric>(const std::string& key, const YAML::Node& node);
template <>
RateLimit ParseYaml<RateLimit>(const std::string& key, const YAML::Node& node);
template <>
ServicePolicyMap ParseYaml<ServicePolicyMap>(const std::string& key, const YAML::Node& node);

YAML::Node Render(const std::string& value);
YAML::Node Render(size_t value);
YAML::Node Render(bool value);
YAML::Node Render(milliseconds value);
YAML::Node Render(const std::vector<double>& value);
YAML::Node Render(const std::vector<std::string>& value);
YAML::Node Render(const BucketsPerMetric& value);
YAML::Node Render(const RateLimit& value);
YAML::Node Render(const ServicePolicyMap& value);

// The name of a type as the docs show it.
template <typename T>
const char* TypeName();
template <>
const char* TypeName<std::string>();
template <>
const char* TypeName<size_t>();
template <>
const char* TypeName<bool>();
template <>
const char* TypeName<milliseconds>();
template <>
const char* TypeName<std::vector<double>>();
template <>
const char* TypeName<std::vector<std::string>>();
template <>
const char* TypeName<BucketsPerMetric>();
template <>
const char* TypeName<RateLimit>();
template <>
const char* TypeName<ServicePolicyMap>();

}  // namespace fleetgate::config
