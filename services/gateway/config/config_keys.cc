#include "config/config_keys.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "core/duration.h"

namespace fleetgate::config {
namespace {

// Parses one value of type T from text; throws ConfigError naming `key`.
template <typename T>
T ParseText(const std::string& key, const std::string& text);

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

template <typename T>
T ParseYaml(const std::string& key, const YAML::Node& node) {
  if (!node.IsScalar()) throw ConfigError(key, "must be a single value");
  return ParseText<T>(key, node.Scalar());
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
std::map<std::string, std::vector<double>> ParseYaml<std::map<std::string, std::vector<double>>>(
    const std::string& key, const YAML::Node& node) {
  if (!node.IsMap()) throw ConfigError(key, "must map metric names to lists of bucket bounds");
  std::map<std::string, std::vector<double>> out;
  for (const auto& entry : node) {
    std::string name = entry.first.Scalar();
    out[name] = ParseYaml<std::vector<double>>(key + "." + name, entry.second);
  }
  return out;
}

YAML::Node Render(const std::string& value) { return YAML::Node(value); }
YAML::Node Render(size_t value) { return YAML::Node(value); }
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
YAML::Node Render(const std::map<std::string, std::vector<double>>& value) {
  YAML::Node node(YAML::NodeType::Map);
  for (const auto& [name, bounds] : value) node[name] = Render(bounds);
  return node;
}

template <typename T>
constexpr bool kTextual = !std::is_same_v<T, std::map<std::string, std::vector<double>>>;

template <typename S, typename T>
ConfigKey Bind(std::string section, std::string key, S Config::*part, T S::*field,
               std::string help) {
  ConfigKey entry;
  entry.section = std::move(section);
  entry.key = std::move(key);
  entry.help = std::move(help);
  const std::string name = entry.name();
  entry.from_yaml = [=](Config& c, const YAML::Node& node) {
    (c.*part).*field = ParseYaml<T>(name, node);
  };
  if constexpr (kTextual<T>) {
    entry.from_text = [=](Config& c, const std::string& text) {
      (c.*part).*field = ParseText<T>(name, text);
    };
  }
  entry.to_yaml = [=](const Config& c) { return Render((c.*part).*field); };
  return entry;
}

std::vector<ConfigKey> BuildKeys() {
  using C = Config;
  return {
      Bind("grpc", "address", &C::grpc, &C::Grpc::address, "gRPC listen address host:port"),
      Bind("grpc", "max_message_bytes", &C::grpc, &C::Grpc::max_message_bytes,
           "largest request accepted; larger ones get RESOURCE_EXHAUSTED"),
      Bind("grpc", "max_concurrent_streams", &C::grpc, &C::Grpc::max_concurrent_streams,
           "HTTP/2 streams per connection"),
      Bind("grpc", "keepalive_min_ping_interval", &C::grpc, &C::Grpc::keepalive_min_ping_interval,
           "clients pinging more often than this get a strike"),
      Bind("grpc", "keepalive_max_ping_strikes", &C::grpc, &C::Grpc::keepalive_max_ping_strikes,
           "strikes before the connection is closed"),
      Bind("grpc", "memory_quota_bytes", &C::grpc, &C::Grpc::memory_quota_bytes,
           "gRPC ResourceQuota memory"),
      Bind("grpc", "max_threads", &C::grpc, &C::Grpc::max_threads, "gRPC ResourceQuota threads"),
      Bind("http", "address", &C::http, &C::Http::address, "HTTP listen address host:port"),
      Bind("http", "threads", &C::http, &C::Http::threads, "HTTP worker threads"),
      Bind("http", "max_request_bytes", &C::http, &C::Http::max_request_bytes,
           "largest request (headers and body); larger ones get 413"),
      Bind("http", "header_timeout", &C::http, &C::Http::header_timeout,
           "time a client has to send its headers"),
      Bind("http", "body_timeout", &C::http, &C::Http::body_timeout,
           "time a client has to send its body"),
      Bind("http", "keepalive_timeout", &C::http, &C::Http::keepalive_timeout,
           "idle keep-alive connections are closed after this"),
      Bind("http", "write_timeout", &C::http, &C::Http::write_timeout,
           "a client that takes longer to read one response is disconnected"),
      Bind("http", "admin_token", &C::http, &C::Http::admin_token,
           "when set, REST changes need Authorization: Bearer <token>"),
      Bind("storage", "database", &C::storage, &C::Storage::database,
           "SQLite database file (its directory is created)"),
      Bind("storage", "synchronous", &C::storage, &C::Storage::synchronous,
           "normal (a power loss may lose the last commits) or full"),
      Bind("storage", "busy_timeout", &C::storage, &C::Storage::busy_timeout,
           "how long a connection waits for a lock before SQLITE_BUSY"),
      Bind("storage", "journal_size_limit_bytes", &C::storage,
           &C::Storage::journal_size_limit_bytes,
           "the WAL file is truncated to this after a checkpoint"),
      Bind("storage", "max_size_bytes", &C::storage, &C::Storage::max_size_bytes,
           "cap on the database file; beyond it writes fail as on a full disk (0: none)"),
      Bind("storage", "queue_capacity", &C::storage, &C::Storage::queue_capacity,
           "history writes waiting for the disk; beyond, they are dropped and counted"),
      Bind("storage", "batch_rows", &C::storage, &C::Storage::batch_rows,
           "the writer commits when this many writes wait"),
      Bind("storage", "max_transaction_rows", &C::storage, &C::Storage::max_transaction_rows,
           "under a backlog, the most writes one transaction takes"),
      Bind("storage", "flush_interval", &C::storage, &C::Storage::flush_interval,
           "the writer commits at least this often"),
      Bind("storage", "retention", &C::storage, &C::Storage::retention,
           "history older than this is deleted (0s: keep forever)"),
      Bind("storage", "retention_interval", &C::storage, &C::Storage::retention_interval,
           "how often retention runs"),
      Bind("storage", "backend", &C::storage, &C::Storage::backend,
           "sqlite (one replica, embedded) or postgres (several replicas, one leader)"),
      Bind("storage", "postgres_url", &C::storage, &C::Storage::postgres_url,
           "PostgreSQL libpq URI, e.g. postgresql://fleetgate@db:5432/fleetgate"),
      Bind("storage", "postgres_password", &C::storage, &C::Storage::postgres_password,
           "PostgreSQL password (prefer postgres_password_file); never printed"),
      Bind("storage", "postgres_password_file", &C::storage, &C::Storage::postgres_password_file,
           "file holding the PostgreSQL password"),
      Bind("storage", "leader_poll_interval", &C::storage, &C::Storage::leader_poll_interval,
           "postgres: how often the leader lock is taken or checked"),
      Bind("limits", "max_labels_per_series", &C::limits, &C::Limits::max_labels_per_series,
           "labels per series, service and instance included"),
      Bind("limits", "max_label_name_bytes", &C::limits, &C::Limits::max_label_name_bytes,
           "bytes in a label name"),
      Bind("limits", "max_label_value_bytes", &C::limits, &C::Limits::max_label_value_bytes,
           "bytes in a label value"),
      Bind("limits", "max_series_per_metric", &C::limits, &C::Limits::max_series_per_metric,
           "series per metric name and service"),
      Bind("limits", "max_series_total", &C::limits, &C::Limits::max_series_total,
           "series held in total"),
      Bind("limits", "max_events_per_batch", &C::limits, &C::Limits::max_events_per_batch,
           "events applied per batch; the rest are rejected"),
      Bind("limits", "max_detail_bytes", &C::limits, &C::Limits::max_detail_bytes,
           "bytes in a health or check detail"),
      Bind("limits", "max_checks", &C::limits, &C::Limits::max_checks, "checks per health event"),
      Bind("limits", "max_inflight_batches", &C::limits, &C::Limits::max_inflight_batches,
           "batches applied at once; beyond, UNAVAILABLE"),
      Bind("metrics", "series_ttl", &C::metrics, &C::Metrics::series_ttl,
           "series not updated for this long are removed"),
      Bind("metrics", "default_buckets", &C::metrics, &C::Metrics::default_buckets,
           "histogram bucket bounds for observations"),
      Bind("metrics", "buckets", &C::metrics, &C::Metrics::buckets,
           "bucket bounds per metric name (YAML only)"),
      Bind("health", "default_ttl", &C::health, &C::Health::default_ttl,
           "how long a health report holds when it names no TTL"),
      Bind("health", "max_ttl", &C::health, &C::Health::max_ttl, "largest TTL a report may ask"),
      Bind("health", "forget_after", &C::health, &C::Health::forget_after,
           "stale instances leave the live registry after this"),
      Bind("health", "sweep_interval", &C::health, &C::Health::sweep_interval,
           "how often TTLs are checked"),
      Bind("alerting", "evaluation_interval", &C::alerting, &C::Alerting::evaluation_interval,
           "how often every alert rule is evaluated"),
      Bind("alerting", "rule_files", &C::alerting, &C::Alerting::rule_files,
           "files of provisioned rules (YAML or JSON), read-only over the API"),
      Bind("alerting", "alertmanagers", &C::alerting, &C::Alerting::alertmanagers,
           "Alertmanager base URLs that receive firing and resolved alerts"),
      Bind("alerting", "resend_delay", &C::alerting, &C::Alerting::resend_delay,
           "a firing alert is re-sent to Alertmanager this often"),
      Bind("alerting", "notification_timeout", &C::alerting, &C::Alerting::notification_timeout,
           "one POST to an Alertmanager, connecting included"),
      Bind("alerting", "notification_queue_capacity", &C::alerting,
           &C::Alerting::notification_queue_capacity,
           "alerts waiting per Alertmanager; beyond, the oldest are dropped and counted"),
      Bind("alerting", "notification_max_attempts", &C::alerting,
           &C::Alerting::notification_max_attempts,
           "POSTs of one batch (with backoff) before it is dropped and counted"),
      Bind("alerting", "max_alerts_per_rule", &C::alerting, &C::Alerting::max_alerts_per_rule,
           "a rule matching more label sets than this fails its evaluation"),
      Bind("alerting", "external_url", &C::alerting, &C::Alerting::external_url,
           "base of each alert's generatorURL (default: http://<hostname>:<HTTP port>)"),
      Bind("log", "level", &C::log, &C::Log::level, "trace, debug, info, warn, error"),
      Bind("log", "format", &C::log, &C::Log::format, "text or json"),
      Bind("shutdown", "timeout", &C::shutdown, &C::Shutdown::timeout,
           "longest a graceful stop may take"),
      Bind("shutdown", "drain_timeout", &C::shutdown, &C::Shutdown::drain_timeout,
           "on stop, open gRPC calls get this long to complete before they are cancelled"),
  };
}

}  // namespace

std::string ConfigKey::env() const {
  std::string out = "FLEETGATE_" + section + "_" + key;
  std::transform(out.begin(), out.end(), out.begin(), ::toupper);
  return out;
}

const std::vector<ConfigKey>& AllKeys() {
  static const std::vector<ConfigKey> keys = BuildKeys();
  return keys;
}

}  // namespace fleetgate::config
