#include "config/value_codec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/duration.h"

namespace fleetgate::config {

// Parses one value of type T from text; throws ConfigError naming `key`.
template <>
std::string ParseText<std::string>(const std::string&, const std::string& text) {
  return text;
}

template <>
size_t ParseText<size_t>(const std::string& key, const std::string& text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), ::isdigit) || text.size() > 18) {
    throw ConfigError(key, "must be a non-negative integer (got \"" + text + "\")");
  }
  return std::stoull(text);
}

// true/false, with on/off, yes/no and 1/0 as YAML 1.1 and Helm users write them.
template <>
bool ParseText<bool>(const std::string& key, const std::string& text) {
  std::string word = text;
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (word == "true" || word == "on" || word == "yes" || word == "1") return true;
  if (word == "false" || word == "off" || word == "no" || word == "0") return false;
  throw ConfigError(key, "must be true or false (got \"" + text + "\")");
}

template <>
milliseconds ParseText<milliseconds>(const std::string& key, const std::string& text) {
  auto parsed = ParseDuration(text);
  if (!parsed) {
    throw ConfigError(key, "must be a duration such as 30s, 15m or 1h30m (got \"" + text + "\")");
  }
  return *parsed;
}

template <>
std::vector<double> ParseText<std::vector<double>>(const std::string& key,
                                                   const std::string& text) {
  std::vector<double> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    try {
      size_t used = 0;
      out.push_back(std::stod(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw ConfigError(key, "must be a list of numbers (got \"" + text + "\")");
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

// A comma-separated list (environment variables and flags); empty items are skipped.
template <>
std::vector<std::string> ParseText<std::vector<std::string>>(const std::string&,
                                                             const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

template <>
std::vector<double> ParseYaml<std::vector<double>>(const std::string& key, const YAML::Node& node) {
  if (!node.IsSequence()) throw ConfigError(key, "must be a list of numbers");
  std::vector<double> out;
  for (const auto& item : node)
    out.push_back(ParseText<std::vector<double>>(key, item.Scalar())[0]);
  return out;
}

template <>
std::vector<std::string> ParseYaml<std::vector<std::string>>(const std::string& key,
                                                             const YAML::Node& node) {
  if (node.IsNull()) return {};
  if (!node.IsSequence()) throw ConfigError(key, "must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar()) throw ConfigError(key, "must be a list of strings");
    out.push_back(item.Scalar());
  }
  return out;
}

template <>
BucketsPerMetric ParseYaml<BucketsPerMetric>(const std::string& key, const YAML::Node& node) {
  if (!node.IsMap()) throw ConfigError(key, "must map metric names to lists of bucket bounds");
  BucketsPerMetric out;
  for (const auto& entry : node) {
    std::string name = entry.first.Scalar();
    out[name] = ParseYaml<std::vector<double>>(key + "." + name, entry.second);
  }
  return out;
}

namespace {

double ParseRateNumber(const std::string& key, const YAML::Node& node) {
  if (!node.IsScalar()) throw ConfigError(key, "must be a number");
  try {
    size_t used = 0;
    double value = std::stod(node.Scalar(), &used);
    if (used == node.Scalar().size() && std::isfinite(value) && value >= 0) return value;
  } catch (const std::exception&) {
  }
  throw ConfigError(key, "must be a non-negative number (got \"" + node.Scalar() + "\")");
}

RateLimit::Rate ParseRate(const std::string& key, const YAML::Node& node, bool allow_overrides) {
  RateLimit::Rate rate;
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    if (name == "events_per_second") {
      rate.events_per_second = ParseRateNumber(key + ".events_per_second", entry.second);
    } else if (name == "burst") {
      rate.burst = ParseRateNumber(key + ".burst", entry.second);
    } else if (!(allow_overrides && name == "overrides")) {
      throw ConfigError(key + "." + name, "unknown key");
    }
  }
  return rate;
}

YAML::Node Render(const RateLimit::Rate& rate) {
  YAML::Node node(YAML::NodeType::Map);
  node["events_per_second"] = rate.events_per_second;
  node["burst"] = rate.burst;
  return node;
}

}  // namespace

namespace {

ServicePolicyConfig ParsePolicy(const std::string& key, const YAML::Node& node) {
  if (!node.IsMap()) {
    throw ConfigError(key, "must be a map with min_serving, max_unavailable_ratio");
  }
  ServicePolicyConfig policy;
  for (const auto& entry : node) {
    const std::string field = entry.first.Scalar();
    if (field == "min_serving") {
      policy.min_serving = ParseYaml<size_t>(key + ".min_serving", entry.second);
    } else if (field == "max_unavailable_ratio") {
      const double ratio = ParseRateNumber(key + ".max_unavailable_ratio", entry.second);
      if (ratio > 1) throw ConfigError(key + ".max_unavailable_ratio", "must lie between 0 and 1");
      policy.max_unavailable_ratio = ratio;
    } else {
      throw ConfigError(key + "." + field, "unknown field (min_serving, max_unavailable_ratio)");
    }
  }
  return policy;
}

}  // namespace

template <>
ServicePolicyMap ParseYaml<ServicePolicyMap>(const std::string& key, const YAML::Node& node) {
  if (!node.IsMap()) throw ConfigError(key, "must map service names (and default) to policies");
  ServicePolicyMap out = {{"default", ServicePolicyConfig{}}};
  for (const auto& entry : node) {
    std::string name = entry.first.Scalar();
    out[name] = ParsePolicy(key + "." + name, entry.second);
  }
  return out;
}

YAML::Node Render(const ServicePolicyMap& value) {
  YAML::Node node(YAML::NodeType::Map);
  for (const auto& [name, policy] : value) {
    YAML::Node entry(YAML::NodeType::Map);
    entry["min_serving"] = policy.min_serving;
    entry["max_unavailable_ratio"] = policy.max_unavailable_ratio;
    entry.SetStyle(YAML::EmitterStyle::Flow);
    node[name] = entry;
  }
  return node;
}

template <>
RateLimit ParseYaml<RateLimit>(const std::string& key, const YAML::Node& node) {
  if (!node.IsMap()) throw ConfigError(key, "must be a map (events_per_second, burst, overrides)");
  RateLimit limit;
  limit.rate = ParseRate(key, node, true);
  if (const YAML::Node overrides = node["overrides"]) {
    if (!overrides.IsMap()) throw ConfigError(key + ".overrides", "must map services to rates");
    for (const auto& entry : overrides) {
      const std::string service = entry.first.Scalar();
      if (!entry.second.IsMap()) {
        throw ConfigError(key + ".overrides." + service, "must be {events_per_second, burst}");
      }
      limit.overrides[service] = ParseRate(key + ".overrides." + service, entry.second, false);
    }
  }
  return limit;
}

YAML::Node Render(const RateLimit& value) {
  YAML::Node node = Render(value.rate);
  YAML::Node overrides(YAML::NodeType::Map);
  for (const auto& [service, rate] : value.overrides) overrides[service] = Render(rate);
  node["overrides"] = overrides;
  return node;
}

YAML::Node Render(const std::string& value) { return YAML::Node(value); }
YAML::Node Render(size_t value) { return YAML::Node(value); }
YAML::Node Render(bool value) { return YAML::Node(value ? "true" : "false"); }
YAML::Node Render(milliseconds value) { return YAML::Node(FormatDuration(value)); }
YAML::Node Render(const std::vector<double>& value) {
  YAML::Node node(YAML::NodeType::Sequence);
  for (double v : value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", v);  // 0.005, not 0.0050000000000000001
    node.push_back(std::string(text));
  }
  node.SetStyle(YAML::EmitterStyle::Flow);
  return node;
}
YAML::Node Render(const std::vector<std::string>& value) {
  YAML::Node node(YAML::NodeType::Sequence);
  for (const std::string& v : value) node.push_back(v);
  node.SetStyle(YAML::EmitterStyle::Flow);
  return node;
}
YAML::Node Render(const BucketsPerMetric& value) {
  YAML::Node node(YAML::NodeType::Map);
  for (const auto& [name, bounds] : value) node[name] = Render(bounds);
  return node;
}

template <>
const char* TypeName<std::string>() {
  return "string";
}
template <>
const char* TypeName<size_t>() {
  return "integer";
}
template <>
const char* TypeName<bool>() {
  return "boolean";
}
template <>
const char* TypeName<milliseconds>() {
  return "duration";
}
template <>
const char* TypeName<std::vector<double>>() {
  return "list of numbers";
}
template <>
const char* TypeName<std::vector<std::string>>() {
  return "list of strings";
}
template <>
const char* TypeName<BucketsPerMetric>() {
  return "map of lists";
}
template <>
const char* TypeName<ServicePolicyMap>() {
  return "map of policies";
}
template <>
const char* TypeName<RateLimit>() {
  return "rate limit map";
}

}  // namespace fleetgate::config
