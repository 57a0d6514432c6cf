#pragma once
// The gateway's configuration: built-in defaults, overridden by the YAML file (--config), then by
// FLEETGATE_<SECTION>_<KEY> environment variables, then by flags. A plain value; not synchronised.

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace fleetgate::config {

using std::chrono::milliseconds;

// ingest.rate_limit: a token bucket per reporting service (events_per_second 0: no quota).
struct RateLimit {
  struct Rate {
    double events_per_second = 0;
    double burst = 0;  // 0: one second's worth
  };
  Rate rate;                              // events_per_second and burst of every service
  std::map<std::string, Rate> overrides;  // by service name
};
// How many of a service's instances must serve (health.service_policies).
struct ServicePolicyConfig {
  size_t min_serving = 1;              // fewer SERVING or DEGRADED instances: UNHEALTHY
  double max_unavailable_ratio = 0.5;  // a larger share not serving: UNHEALTHY
};
using ServicePolicyMap = std::map<std::string, ServicePolicyConfig>;

struct Config {
  struct Grpc {
    std::string address = "0.0.0.0:50051";
    size_t max_message_bytes = 4 * 1024 * 1024;
    size_t max_concurrent_streams = 100;
    milliseconds keepalive_min_ping_interval = std::chrono::seconds(30);
    size_t keepalive_max_ping_strikes = 2;
    size_t memory_quota_bytes = 512 * 1024 * 1024;
    size_t max_threads = 64;
    // HTTP/2 hardening (see the guard section of docs/configuration.md).
    milliseconds handshake_timeout = std::chrono::seconds(10);
    size_t max_metadata_bytes = 16 * 1024;
    milliseconds max_connection_idle = std::chrono::minutes(5);
    milliseconds max_connection_age = milliseconds(0);  // 0: unlimited
    milliseconds max_connection_age_grace = std::chrono::seconds(30);
  } grpc;
  // The gRPC port guard (services/gateway/guard); 0 derives a default.
  struct Guard {
    size_t max_connections = 0;
    size_t max_connections_per_peer = 0;
    milliseconds preface_timeout = std::chrono::seconds(10);
    size_t memory_shed_bytes = 0;
    milliseconds watchdog_interval = std::chrono::milliseconds(100);
    milliseconds self_check_interval = std::chrono::seconds(5);
    milliseconds self_check_timeout = std::chrono::seconds(2);
    size_t self_check_failures = 3;
    milliseconds self_check_liveness_after = std::chrono::seconds(60);
  } guard;
  struct Http {
    std::string address = "0.0.0.0:8080";
    size_t threads = 4;
    size_t max_request_bytes = 64 * 1024;
    milliseconds header_timeout = std::chrono::seconds(5);
    milliseconds body_timeout = std::chrono::seconds(10);
    milliseconds keepalive_timeout = std::chrono::seconds(60);
    milliseconds write_timeout = std::chrono::seconds(60);
    std::string admin_token;  // when set, changes over REST need "Authorization: Bearer <token>"
  } http;
  struct Storage {
    std::string database = "./data/fleetgate.db";
    std::string synchronous = "normal";
    milliseconds busy_timeout = std::chrono::seconds(5);
    size_t journal_size_limit_bytes = 64 * 1024 * 1024;
    size_t max_size_bytes = 0;  // 0: unlimited
    size_t queue_capacity = 100000;
    size_t batch_rows = 1000;
    size_t max_transaction_rows = 50000;
    milliseconds flush_interval = std::chrono::seconds(1);
    // A batch that records a health transition is answered after its commit (docs/operations.md).
    bool durable_ack = false;
    milliseconds retention = std::chrono::hours(24 * 30);
    milliseconds retention_interval = std::chrono::hours(1);
    // High availability on PostgreSQL (docs/operations.md).
    std::string backend = "sqlite";  // sqlite | postgres
    std::string postgres_url;        // libpq URI or key=value string; secret
    std::string postgres_password;   // secret: never logged or printed
    std::string postgres_password_file;
    milliseconds leader_poll_interval = std::chrono::seconds(1);
  } storage;
  struct Limits {
    size_t max_labels_per_series = 30;
    size_t max_label_name_bytes = 128;
    size_t max_label_value_bytes = 1024;
    size_t max_series_per_metric = 2000;
    size_t max_series_total = 100000;
    size_t max_events_per_batch = 10000;
    size_t max_detail_bytes = 4096;
    size_t max_checks = 32;
    size_t max_inflight_batches = 1024;
    size_t max_metric_name_length = 256;
    size_t max_service_name_bytes = 128;
    size_t max_instance_name_bytes = 128;
    size_t max_histogram_buckets = 128;  // of a client's own histogram (OTLP), or quantiles
  } limits;
  struct Metrics {
    milliseconds series_ttl = std::chrono::minutes(15);
    std::vector<double> default_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    std::map<std::string, std::vector<double>> buckets;
  } metrics;
  struct Health {
    milliseconds default_ttl = std::chrono::seconds(30);
    milliseconds max_ttl = std::chrono::hours(24);
    milliseconds forget_after = std::chrono::hours(24);
    milliseconds sweep_interval = std::chrono::seconds(1);
    // Per service, and "default" for the others.
    ServicePolicyMap service_policies = {{"default", ServicePolicyConfig{}}};
    size_t max_instances = 50000;
    size_t max_instances_per_service = 5000;
  } health;
  struct Alerting {
    milliseconds evaluation_interval = std::chrono::seconds(15);
    std::vector<std::string> rule_files;
    std::vector<std::string> alertmanagers;
    milliseconds resend_delay = std::chrono::minutes(1);
    milliseconds notification_timeout = std::chrono::seconds(10);
    size_t notification_queue_capacity = 10000;
    size_t notification_max_attempts = 5;
    size_t max_alerts_per_rule = 1000;
    size_t max_rules = 1000;
    std::string external_url;  // empty: http://<hostname>:<HTTP port>
  } alerting;
  struct Auth {
    std::string tokens_file;  // empty: no credentials besides http.admin_token
    milliseconds reload_interval = std::chrono::seconds(5);
  } auth;
  struct Tls {
    std::string cert_file;  // empty: the gRPC port is plaintext
    std::string key_file;
    std::string client_ca_file;
    std::string client_auth = "none";  // none | optional | require
    milliseconds reload_interval = std::chrono::seconds(10);
  } tls;
  struct Ingest {
    RateLimit rate_limit;
  } ingest;
  struct Otlp {
    std::vector<std::string> promote_resource_attributes;
    milliseconds heartbeat_ttl = std::chrono::minutes(3);  // 0: an export is no heartbeat
  } otlp;
  struct Events {
    size_t ring_events = 10000;
    size_t subscriber_buffer_bytes = 256 * 1024;
    size_t max_subscribers = 1024;
    milliseconds heartbeat_interval = std::chrono::seconds(15);
  } events;
  struct Log {
    std::string level = "info";
    std::string format = "text";
  } log;
  struct Shutdown {
    milliseconds timeout = std::chrono::seconds(20);
    milliseconds drain_timeout = std::chrono::seconds(2);
  } shutdown;
};

// The built-in defaults: the one place each key's default is written. Component options take
// their defaults from here, so a default is never written twice.
inline const Config& Defaults() {
  static const Config defaults;
  return defaults;
}

// A bad configuration value: `key` is "section.key", `what()` says what is wrong.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::string& key, const std::string& why)
      : std::runtime_error(key + ": " + why), key_(key) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

}  // namespace fleetgate::config
