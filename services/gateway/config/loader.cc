#include "config/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>

#include "config/config_keys.h"

namespace fleetgate::config {
namespace {

const ConfigKey* FindKey(const std::string& section, const std::string& key) {
  for (const auto& entry : AllKeys()) {
    if (entry.section == section && entry.key == key) return &entry;
  }
  return nullptr;
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

// A URI's user:password@ written as user:***@ (the key=value form's password= as well).
std::string RedactedUrl(const std::string& url) {
  static const std::regex uri(R"(^([a-z]+://[^:/@]*):[^@]*@)");
  static const std::regex keyword(R"((^|[\s?&])password\s*=\s*('[^']*'|[^\s&]+))");
  return std::regex_replace(std::regex_replace(url, uri, "$1:***@"), keyword, "$1password=***");
}

void ApplyFile(Config& config, const std::string& path) {
  YAML::Node root = ReadFile(path);
  if (root.IsNull()) return;
  if (!root.IsMap()) throw ConfigError("--config", "the file must be a map of sections");
  for (const auto& section : root) {
    const std::string section_name = section.first.Scalar();
    if (!section.second.IsMap()) throw ConfigError(section_name, "must be a map of keys");
    for (const auto& item : section.second) {
      const std::string key = item.first.Scalar();
      const ConfigKey* entry = FindKey(section_name, key);
      if (entry == nullptr) throw ConfigError(section_name + "." + key, "unknown key");
      entry->from_yaml(config, item.second);
    }
  }
}

void ApplyEnv(Config& config, const EnvLookup& env) {
  for (const auto& entry : AllKeys()) {
    const char* value = env(entry.env().c_str());
    if (value == nullptr) continue;
    if (!entry.from_text) throw ConfigError(entry.env(), "can only be set in the YAML file");
    entry.from_text(config, value);
  }
}

void ApplyFlags(Config& config, const std::vector<std::pair<std::string, std::string>>& flags) {
  for (const auto& [name, text] : flags) {
    auto dot = name.find('.');
    const ConfigKey* entry = FindKey(name.substr(0, dot), name.substr(dot + 1));
    if (entry == nullptr || !entry->from_text) throw ConfigError(name, "unknown key");
    entry->from_text(config, text);
  }
}

void CheckAddress(const std::string& key, const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    throw ConfigError(key, "must be host:port (got \"" + address + "\")");
  }
  std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    throw ConfigError(key, "has no valid port (got \"" + address + "\")");
  }
}

void CheckPositive(const std::string& key, size_t value) {
  if (value == 0) throw ConfigError(key, "must be greater than zero");
}

void CheckPositive(const std::string& key, milliseconds value) {
  if (value.count() <= 0) throw ConfigError(key, "must be longer than zero");
}

void CheckBuckets(const std::string& key, const std::vector<double>& bounds) {
  if (bounds.empty()) throw ConfigError(key, "needs at least one bucket bound");
  if (bounds.size() > 64) throw ConfigError(key, "has more than 64 bucket bounds");
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) throw ConfigError(key, "bucket bounds must be finite");
    if (i > 0 && bounds[i] <= bounds[i - 1]) {
      throw ConfigError(key, "bucket bounds must be strictly increasing");
    }
  }
}

}  // namespace

Config Load(const Sources& sources) {
  Config config;
  if (!sources.file.empty()) ApplyFile(config, sources.file);
  ApplyEnv(config, sources.env);
  ApplyFlags(config, sources.flags);
  Validate(config);
  return config;
}

void Validate(const Config& c) {
  CheckAddress("grpc.address", c.grpc.address);
  CheckAddress("http.address", c.http.address);
  CheckPositive("grpc.max_message_bytes", c.grpc.max_message_bytes);
  CheckPositive("grpc.max_concurrent_streams", c.grpc.max_concurrent_streams);
  CheckPositive("grpc.memory_quota_bytes", c.grpc.memory_quota_bytes);
  CheckPositive("grpc.max_threads", c.grpc.max_threads);
  CheckPositive("http.threads", c.http.threads);
  CheckPositive("http.max_request_bytes", c.http.max_request_bytes);
  CheckPositive("http.header_timeout", c.http.header_timeout);
  CheckPositive("http.body_timeout", c.http.body_timeout);
  CheckPositive("http.keepalive_timeout", c.http.keepalive_timeout);
  CheckPositive("http.write_timeout", c.http.write_timeout);
  if (c.storage.database.empty()) throw ConfigError("storage.database", "must not be empty");
  if (c.storage.backend != "sqlite" && c.storage.backend != "postgres") {
    throw ConfigError("storage.backend",
                      "must be sqlite or postgres (got \"" + c.storage.backend + "\")");
  }
  if (c.storage.backend == "postgres" && c.storage.postgres_url.empty()) {
    throw ConfigError("storage.postgres_url", "is required with storage.backend postgres");
  }
  if (c.storage.synchronous != "normal" && c.storage.synchronous != "full") {
    throw ConfigError("storage.synchronous",
                      "must be normal or full (got \"" + c.storage.synchronous + "\")");
  }
  CheckPositive("storage.queue_capacity", c.storage.queue_capacity);
  CheckPositive("storage.batch_rows", c.storage.batch_rows);
  CheckPositive("storage.max_transaction_rows", c.storage.max_transaction_rows);
  CheckPositive("storage.flush_interval", c.storage.flush_interval);
  CheckPositive("storage.retention_interval", c.storage.retention_interval);
  if (c.storage.retention.count() < 0)
    throw ConfigError("storage.retention", "must not be negative");
  if (c.limits.max_labels_per_series < 2) {
    throw ConfigError("limits.max_labels_per_series", "must leave room for service and instance");
  }
  CheckPositive("limits.max_label_name_bytes", c.limits.max_label_name_bytes);
  CheckPositive("limits.max_label_value_bytes", c.limits.max_label_value_bytes);
  CheckPositive("limits.max_series_per_metric", c.limits.max_series_per_metric);
  CheckPositive("limits.max_series_total", c.limits.max_series_total);
  CheckPositive("limits.max_events_per_batch", c.limits.max_events_per_batch);
  CheckPositive("limits.max_inflight_batches", c.limits.max_inflight_batches);
  CheckPositive("metrics.series_ttl", c.metrics.series_ttl);
  CheckBuckets("metrics.default_buckets", c.metrics.default_buckets);
  for (const auto& [name, bounds] : c.metrics.buckets)
    CheckBuckets("metrics.buckets." + name, bounds);
  CheckPositive("health.default_ttl", c.health.default_ttl);
  CheckPositive("health.max_ttl", c.health.max_ttl);
  CheckPositive("health.forget_after", c.health.forget_after);
  CheckPositive("health.sweep_interval", c.health.sweep_interval);
  CheckPositive("alerting.evaluation_interval", c.alerting.evaluation_interval);
  CheckPositive("alerting.resend_delay", c.alerting.resend_delay);
  CheckPositive("alerting.notification_timeout", c.alerting.notification_timeout);
  CheckPositive("alerting.notification_queue_capacity", c.alerting.notification_queue_capacity);
  CheckPositive("alerting.notification_max_attempts", c.alerting.notification_max_attempts);
  CheckPositive("alerting.max_alerts_per_rule", c.alerting.max_alerts_per_rule);
  for (const std::string& url : c.alerting.alertmanagers) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      throw ConfigError("alerting.alertmanagers",
                        "must be http:// or https:// URLs (got \"" + url + "\")");
    }
  }
  CheckPositive("shutdown.timeout", c.shutdown.timeout);
  CheckPositive("shutdown.drain_timeout", c.shutdown.drain_timeout);
  if (c.shutdown.drain_timeout > c.shutdown.timeout) {
    throw ConfigError("shutdown.drain_timeout", "must not exceed shutdown.timeout");
  }
  if (c.health.default_ttl > c.health.max_ttl) {
    throw ConfigError("health.default_ttl", "must not exceed health.max_ttl");
  }
  static const std::vector<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
  if (std::find(levels.begin(), levels.end(), c.log.level) == levels.end()) {
    throw ConfigError("log.level", "must be one of trace, debug, info, warn, error, off (got \"" +
                                       c.log.level + "\")");
  }
  if (c.log.format != "text" && c.log.format != "json") {
    throw ConfigError("log.format", "must be text or json (got \"" + c.log.format + "\")");
  }
}

std::string RenderYaml(const Config& config) {
  YAML::Node root(YAML::NodeType::Map);
  for (const auto& entry : AllKeys()) root[entry.section][entry.key] = entry.to_yaml(config);
  // Secrets are shown as set or not, never printed.
  if (!config.storage.postgres_password.empty()) root["storage"]["postgres_password"] = "<set>";
  root["storage"]["postgres_url"] = RedactedUrl(config.storage.postgres_url);
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace fleetgate::config
