#include "config/config_keys.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <regex>

#include "config/validators.h"
#include "config/value_codec.h"

namespace fleetgate::config {
namespace {

constexpr size_t kSizeMax = std::numeric_limits<size_t>::max();
constexpr milliseconds kIntMaxMs{kIntMax};

template <typename T>
struct Identity {
  using type = T;
};
template <typename T>
using Check = std::function<void(const std::string&, const typename Identity<T>::type&)>;

// One key: `part` is the section in Config, `field` the key in it, `check` its validator.
template <typename S, typename T>
ConfigKey Bind(std::string section, std::string key, S Config::*part, T S::*field, Check<T> check,
               std::string help) {
  ConfigKey entry;
  entry.section = std::move(section);
  entry.key = std::move(key);
  entry.type = TypeName<T>();
  entry.help = std::move(help);
  const std::string name = entry.name();
  entry.from_yaml = [=](Config& c, const YAML::Node& node) {
    (c.*part).*field = ParseYaml<T>(name, node);
  };
  if constexpr (!kYamlOnly<T>) {
    entry.from_text = [=](Config& c, const std::string& text) {
      (c.*part).*field = ParseText<T>(name, text);
    };
  } else {
    // A map or list from a variable or flag: its YAML flow text, e.g. {events_per_second: 100}.
    entry.from_text = [=](Config& c, const std::string& text) {
      YAML::Node node;
      try {
        node = YAML::Load(text);
      } catch (const YAML::Exception& e) {
        throw ConfigError(name, "is not YAML flow text such as {key: value}: " + e.msg);
      }
      (c.*part).*field = ParseYaml<T>(name, node);
    };
  }
  entry.to_yaml = [=](const Config& c) { return Render((c.*part).*field); };
  entry.validate = [=](const Config& c) { check(name, (c.*part).*field); };
  return entry;
}

// A key whose value --print-config shows as <redacted>.
ConfigKey Secret(ConfigKey entry) {
  entry.secret = true;
  return entry;
}

std::vector<ConfigKey> BuildKeys() {
  using C = Config;
  return {
      Bind("grpc", "address", &C::grpc, &C::Grpc::address, HostPort{},
           "gRPC listen address host:port"),
      Bind("grpc", "max_message_bytes", &C::grpc, &C::Grpc::max_message_bytes, Between{1, kIntMax},
           "largest request accepted; larger ones get RESOURCE_EXHAUSTED"),
      Bind("grpc", "max_concurrent_streams", &C::grpc, &C::Grpc::max_concurrent_streams,
           Between{1, kIntMax}, "HTTP/2 streams per connection"),
      Bind("grpc", "keepalive_min_ping_interval", &C::grpc, &C::Grpc::keepalive_min_ping_interval,
           DurationIn{true, kIntMaxMs}, "clients pinging more often than this get a strike"),
      Bind("grpc", "keepalive_max_ping_strikes", &C::grpc, &C::Grpc::keepalive_max_ping_strikes,
           Between{0, kIntMax}, "strikes before the connection is closed"),
      Bind("grpc", "memory_quota_bytes", &C::grpc, &C::Grpc::memory_quota_bytes,
           Between{1, kSizeMax}, "gRPC ResourceQuota memory"),
      Bind("grpc", "max_threads", &C::grpc, &C::Grpc::max_threads, Between{1, kIntMax},
           "gRPC ResourceQuota threads"),
      // HTTP/2 hardening and the gRPC port guard.
      Bind("grpc", "handshake_timeout", &C::grpc, &C::Grpc::handshake_timeout,
           DurationIn{false, kIntMaxMs},
           "a connection must finish its handshake within this (TLS listener)"),
      Bind("grpc", "max_metadata_bytes", &C::grpc, &C::Grpc::max_metadata_bytes,
           Between{1024, kIntMax}, "largest header block of one call; larger ones are refused"),
      Bind("grpc", "max_connection_idle", &C::grpc, &C::Grpc::max_connection_idle,
           DurationIn{false, kIntMaxMs}, "a connection without calls for this long gets GOAWAY"),
      Bind("grpc", "max_connection_age", &C::grpc, &C::Grpc::max_connection_age,
           DurationIn{true, kIntMaxMs}, "connections older than this get GOAWAY (0s: no limit)"),
      Bind("grpc", "max_connection_age_grace", &C::grpc, &C::Grpc::max_connection_age_grace,
           DurationIn{false, kIntMaxMs}, "calls still open after a max-age GOAWAY get this long"),
      Bind("guard", "max_connections", &C::guard, &C::Guard::max_connections, AnyValue{},
           "gRPC connections open at once; beyond, accepted and closed (0: from RLIMIT_NOFILE)"),
      Bind("guard", "max_connections_per_peer", &C::guard, &C::Guard::max_connections_per_peer,
           AnyValue{}, "gRPC connections from one IP address (0: half of max_connections)"),
      Bind("guard", "preface_timeout", &C::guard, &C::Guard::preface_timeout, DurationIn{},
           "a connection that sent no HTTP/2 preface by then is closed"),
      Bind("guard", "memory_shed_bytes", &C::guard, &C::Guard::memory_shed_bytes, AnyValue{},
           "above this resident memory: not ready, busiest connections shed (0: 75% of the "
           "cgroup limit, else 1 GiB)"),
      Bind("guard", "watchdog_interval", &C::guard, &C::Guard::watchdog_interval, DurationIn{},
           "how often resident memory and connection counters are sampled"),
      Bind("guard", "self_check_interval", &C::guard, &C::Guard::self_check_interval, DurationIn{},
           "how often the gateway calls its own gRPC port"),
      Bind("guard", "self_check_timeout", &C::guard, &C::Guard::self_check_timeout, DurationIn{},
           "deadline of one self-check; half of it counts as slow and sheds a connection"),
      Bind("guard", "self_check_failures", &C::guard, &C::Guard::self_check_failures,
           Between{1, kIntMax}, "consecutive failed self-checks before readiness fails"),
      Bind("guard", "self_check_liveness_after", &C::guard, &C::Guard::self_check_liveness_after,
           DurationIn{}, "without a successful self-check for this long, liveness fails"),
      Bind("http", "address", &C::http, &C::Http::address, HostPort{},
           "HTTP listen address host:port"),
      Bind("http", "threads", &C::http, &C::Http::threads, Between{1, kIntMax},
           "HTTP worker threads"),
      Bind("http", "max_request_bytes", &C::http, &C::Http::max_request_bytes, Between{1, kSizeMax},
           "largest request (headers and body); larger ones get 413"),
      Bind("http", "header_timeout", &C::http, &C::Http::header_timeout, DurationIn{},
           "time a client has to send its headers"),
      Bind("http", "body_timeout", &C::http, &C::Http::body_timeout, DurationIn{},
           "time a client has to send its body"),
      Bind("http", "keepalive_timeout", &C::http, &C::Http::keepalive_timeout, DurationIn{},
           "idle keep-alive connections are closed after this"),
      Bind("http", "write_timeout", &C::http, &C::Http::write_timeout, DurationIn{},
           "a client that takes longer to read one response is disconnected"),
      Secret(Bind("http", "admin_token", &C::http, &C::Http::admin_token, AnyValue{},
                  "when set, REST changes need Authorization: Bearer <token>")),
      Bind("storage", "database", &C::storage, &C::Storage::database, NotEmpty{},
           "SQLite database file (its directory is created)"),
      Bind("storage", "synchronous", &C::storage, &C::Storage::synchronous,
           OneOf{{"normal", "full"}}, "normal (a power loss may lose the last commits) or full"),
      Bind("storage", "busy_timeout", &C::storage, &C::Storage::busy_timeout,
           DurationIn{true, kIntMaxMs},
           "how long a connection waits for a lock before SQLITE_BUSY"),
      Bind("storage", "journal_size_limit_bytes", &C::storage,
           &C::Storage::journal_size_limit_bytes, AnyValue{},
           "the WAL file is truncated to this after a checkpoint"),
      Bind("storage", "max_size_bytes", &C::storage, &C::Storage::max_size_bytes, AnyValue{},
           "cap on the database file; beyond it writes fail as on a full disk (0: none)"),
      Bind("storage", "queue_capacity", &C::storage, &C::Storage::queue_capacity,
           Between{1, kSizeMax},
           "history writes waiting for the disk; beyond, they are dropped and counted"),
      Bind("storage", "batch_rows", &C::storage, &C::Storage::batch_rows, Between{1, kSizeMax},
           "the writer commits when this many writes wait"),
      Bind("storage", "max_transaction_rows", &C::storage, &C::Storage::max_transaction_rows,
           Between{1, kSizeMax}, "under a backlog, the most writes one transaction takes"),
      Bind("storage", "flush_interval", &C::storage, &C::Storage::flush_interval, DurationIn{},
           "the writer commits at least this often"),
      Bind("storage", "durable_ack", &C::storage, &C::Storage::durable_ack, AnyValue{},
           "a report or export that records a health transition is answered after its commit"),
      Bind("storage", "retention", &C::storage, &C::Storage::retention, DurationIn{true},
           "history older than this is deleted (0s: keep forever)"),
      Bind("storage", "retention_interval", &C::storage, &C::Storage::retention_interval,
           DurationIn{}, "how often retention runs"),
      // Storage backend and high availability (several replicas on PostgreSQL).
      Bind("storage", "backend", &C::storage, &C::Storage::backend, OneOf{{"sqlite", "postgres"}},
           "sqlite (one replica, embedded) or postgres (several replicas, one leader)"),
      Secret(Bind("storage", "postgres.url", &C::storage, &C::Storage::postgres_url, AnyValue{},
                  "PostgreSQL libpq URI, e.g. postgresql://fleetgate@db:5432/fleetgate")),
      Secret(Bind("storage", "postgres.password", &C::storage, &C::Storage::postgres_password,
                  AnyValue{}, "PostgreSQL password (prefer postgres.password_file)")),
      Bind("storage", "postgres.password_file", &C::storage, &C::Storage::postgres_password_file,
           AnyValue{}, "file holding the PostgreSQL password"),
      Bind("storage", "leader_poll_interval", &C::storage, &C::Storage::leader_poll_interval,
           DurationIn{}, "postgres: how often the leader lock is taken or checked"),
      Bind("limits", "max_labels_per_series", &C::limits, &C::Limits::max_labels_per_series,
           Between{2, kSizeMax}, "labels per series, service and instance included"),
      Bind("limits", "max_label_name_bytes", &C::limits, &C::Limits::max_label_name_bytes,
           Between{1, kSizeMax}, "bytes in a label name"),
      Bind("limits", "max_label_value_bytes", &C::limits, &C::Limits::max_label_value_bytes,
           Between{1, kSizeMax}, "bytes in a label value"),
      Bind("limits", "max_series_per_metric", &C::limits, &C::Limits::max_series_per_metric,
           Between{1, kSizeMax}, "series per metric name and service"),
      Bind("limits", "max_series_total", &C::limits, &C::Limits::max_series_total,
           Between{1, kSizeMax}, "series held in total, the registry's 7 per instance included"),
      Bind("limits", "max_events_per_batch", &C::limits, &C::Limits::max_events_per_batch,
           Between{1, kSizeMax},
           "events per batch; a larger batch is refused whole (RESOURCE_EXHAUSTED, "
           "too_many_events)"),
      Bind("limits", "max_histogram_buckets", &C::limits, &C::Limits::max_histogram_buckets,
           Between{1, 100000},
           "buckets of an OTLP histogram point, or quantiles of a summary point; more are "
           "refused (too_many_buckets)"),
      Bind("limits", "max_detail_bytes", &C::limits, &C::Limits::max_detail_bytes, AnyValue{},
           "bytes in a health or check detail"),
      Bind("limits", "max_checks", &C::limits, &C::Limits::max_checks, AnyValue{},
           "checks per health event"),
      Bind("limits", "max_inflight_batches", &C::limits, &C::Limits::max_inflight_batches,
           Between{1, kSizeMax}, "batches applied at once; beyond, UNAVAILABLE"),
      // Hardening bounds (issue 17).
      Bind("limits", "max_metric_name_length", &C::limits, &C::Limits::max_metric_name_length,
           Between{1, kSizeMax}, "bytes in a metric name; longer: rejected (name_too_long)"),
      Bind("limits", "max_service_name_bytes", &C::limits, &C::Limits::max_service_name_bytes,
           Between{1, kSizeMax}, "bytes in source.service; longer: the request is refused"),
      Bind("limits", "max_instance_name_bytes", &C::limits, &C::Limits::max_instance_name_bytes,
           Between{1, kSizeMax}, "bytes in source.instance; longer: the request is refused"),
      Bind("health", "max_instances", &C::health, &C::Health::max_instances, Between{1, kSizeMax},
           "instances in the registry; a new one beyond is refused, metrics too (instance_limit)"),
      Bind("health", "max_instances_per_service", &C::health, &C::Health::max_instances_per_service,
           Between{1, kSizeMax},
           "instances per service; a new one beyond is refused, metrics too (instance_limit)"),
      Bind("alerting", "max_rules", &C::alerting, &C::Alerting::max_rules, Between{1, kSizeMax},
           "alert rules held (API and files); creating one more is refused"),
      Bind("metrics", "series_ttl", &C::metrics, &C::Metrics::series_ttl, DurationIn{},
           "series not updated for this long are removed"),
      Bind("metrics", "default_buckets", &C::metrics, &C::Metrics::default_buckets, Buckets{},
           "histogram bucket bounds for observations"),
      Bind("metrics", "buckets", &C::metrics, &C::Metrics::buckets, Buckets{},
           "bucket bounds per metric name (variable: YAML flow text)"),
      Bind("health", "default_ttl", &C::health, &C::Health::default_ttl, DurationIn{},
           "how long a health report holds when it names no TTL"),
      Bind("health", "max_ttl", &C::health, &C::Health::max_ttl, DurationIn{},
           "largest TTL a report may ask"),
      Bind("health", "forget_after", &C::health, &C::Health::forget_after, DurationIn{},
           "stale instances leave the live registry after this"),
      Bind("health", "sweep_interval", &C::health, &C::Health::sweep_interval, DurationIn{},
           "how often TTLs are checked"),
      Bind("health", "service_policies", &C::health, &C::Health::service_policies, AnyValue{},
           "per service and default: min_serving, max_unavailable_ratio (HEALTHY/DEGRADED/"
           "UNHEALTHY)"),
      Bind("alerting", "evaluation_interval", &C::alerting, &C::Alerting::evaluation_interval,
           DurationIn{}, "how often every alert rule is evaluated"),
      Bind("alerting", "rule_files", &C::alerting, &C::Alerting::rule_files, AnyValue{},
           "files of provisioned rules (YAML or JSON), read-only over the API"),
      Bind("alerting", "alertmanagers", &C::alerting, &C::Alerting::alertmanagers, HttpUrls{},
           "Alertmanager base URLs that receive firing and resolved alerts"),
      Bind("alerting", "resend_delay", &C::alerting, &C::Alerting::resend_delay, DurationIn{},
           "a firing alert is re-sent to Alertmanager this often"),
      Bind("alerting", "notification_timeout", &C::alerting, &C::Alerting::notification_timeout,
           DurationIn{}, "one POST to an Alertmanager, connecting included"),
      Bind("alerting", "notification_queue_capacity", &C::alerting,
           &C::Alerting::notification_queue_capacity, Between{1, kSizeMax},
           "alerts waiting per Alertmanager; beyond, the oldest are dropped and counted"),
      Bind("alerting", "notification_max_attempts", &C::alerting,
           &C::Alerting::notification_max_attempts, Between{1, kIntMax},
           "POSTs of one batch (with backoff) before it is dropped and counted"),
      Bind("alerting", "max_alerts_per_rule", &C::alerting, &C::Alerting::max_alerts_per_rule,
           Between{1, kSizeMax}, "a rule matching more label sets than this fails its evaluation"),
      Bind("alerting", "external_url", &C::alerting, &C::Alerting::external_url, AnyValue{},
           "base of each alert's generatorURL (default: http://<hostname>:<HTTP port>)"),
      // Trust: credentials, TLS on the gRPC port, per-service quotas.
      Bind("auth", "tokens_file", &C::auth, &C::Auth::tokens_file, AnyValue{},
           "credentials file (DESIGN.md Trust); set: reads, changes and reports need a credential"),
      Bind("auth", "reload_interval", &C::auth, &C::Auth::reload_interval, DurationIn{},
           "how often the tokens file is checked for changes"),
      Bind("tls", "cert_file", &C::tls, &C::Tls::cert_file, AnyValue{},
           "PEM certificate chain of the gRPC port; set: the port serves TLS only"),
      Bind("tls", "key_file", &C::tls, &C::Tls::key_file, AnyValue{},
           "PEM private key of tls.cert_file"),
      Bind("tls", "client_ca_file", &C::tls, &C::Tls::client_ca_file, AnyValue{},
           "PEM CA bundle that client certificates must chain to (mTLS)"),
      Bind("tls", "client_auth", &C::tls, &C::Tls::client_auth,
           OneOf{{"none", "optional", "require"}},
           "none, optional (verified when sent) or require (mTLS)"),
      Bind("tls", "reload_interval", &C::tls, &C::Tls::reload_interval,
           DurationIn{false, kIntMaxMs}, "how often certificate, key and CA files are re-read"),
      Bind("ingest", "rate_limit", &C::ingest, &C::Ingest::rate_limit, AnyValue{},
           "events_per_second and burst per service, with per-service overrides (variable: YAML "
           "flow text)"),
      Bind("otlp", "promote_resource_attributes", &C::otlp, &C::Otlp::promote_resource_attributes,
           AnyValue{}, "OTLP resource attributes added as labels to every series of the resource"),
      Bind("otlp", "heartbeat_ttl", &C::otlp, &C::Otlp::heartbeat_ttl, DurationIn{true},
           "an OTLP export keeps its instance SERVING this long; 0 turns it off"),
      // Live events (/api/v1/events).
      Bind("events", "ring_events", &C::events, &C::Events::ring_events, Between{1, kSizeMax},
           "live events kept for clients that reconnect with Last-Event-ID"),
      Bind("events", "subscriber_buffer_bytes", &C::events, &C::Events::subscriber_buffer_bytes,
           Between{1024, kSizeMax},
           "unsent bytes an event subscriber may fall behind before it is dropped"),
      Bind("events", "max_subscribers", &C::events, &C::Events::max_subscribers,
           Between{1, kSizeMax}, "open /api/v1/events streams; more get 503"),
      Bind("events", "heartbeat_interval", &C::events, &C::Events::heartbeat_interval, DurationIn{},
           "a comment line on every event stream this often, so dead clients are noticed"),
      Bind("log", "level", &C::log, &C::Log::level,
           OneOf{{"trace", "debug", "info", "warn", "error", "off"}},
           "trace, debug, info, warn, error or off"),
      Bind("log", "format", &C::log, &C::Log::format, OneOf{{"text", "json"}}, "text or json"),
      Bind("shutdown", "timeout", &C::shutdown, &C::Shutdown::timeout, DurationIn{},
           "longest a graceful stop may take"),
      Bind("shutdown", "drain_timeout", &C::shutdown, &C::Shutdown::drain_timeout, DurationIn{},
           "on stop, new calls get UNAVAILABLE for this long (readiness false) before gRPC stops"),
  };
}

}  // namespace

std::string ConfigKey::env() const {
  std::string out = "FLEETGATE_" + section + "_" + key;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return c == '.' ? '_' : std::toupper(c); });
  return out;
}

std::string ConfigKey::Text(const Config& config) const {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << to_yaml(config);
  return out.c_str();
}

const std::vector<ConfigKey>& AllKeys() {
  static const std::vector<ConfigKey> keys = BuildKeys();
  return keys;
}

const ConfigKey* FindKey(const std::string& name) {
  for (const auto& entry : AllKeys()) {
    if (entry.name() == name) return &entry;
  }
  return nullptr;
}

const std::vector<ForeignVariable>& ForeignVariables() {
  static const std::vector<ForeignVariable> variables{
      {"FLEETGATE_TARGET", "fgctl, example service", "gRPC target host:port of the gateway"},
      {"FLEETGATE_URL", "fgctl", "REST base URL of the gateway"},
      {"FLEETGATE_TOKEN", "fgctl, example service",
       "bearer token sent as Authorization: Bearer (viewer, admin or reporter)"},
      {"FLEETGATE_CA_FILE", "fgctl, example service", "PEM CA bundle that verifies the gateway"},
      {"FLEETGATE_CERT_FILE", "fgctl, example service", "PEM client certificate for mTLS"},
      {"FLEETGATE_KEY_FILE", "fgctl, example service", "PEM key of the client certificate"},
      {"FLEETGATE_SERVICE", "fgctl report", "service name of the report"},
      {"FLEETGATE_INSTANCE", "fgctl report", "instance name of the report"},
  };
  return variables;
}

bool IsForeignVariable(const std::string& name) {
  static const std::regex service_link(
      "[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|"
      "PORT|"
      "ADDR))?)?)");
  for (const auto& variable : ForeignVariables()) {
    if (variable.name == name) return true;
  }
  return std::regex_match(name, service_link);
}

std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                           diagonal + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1)});
        diagonal = above;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& candidate : candidates) {
    size_t d = distance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace fleetgate::config
