#include "options.h"

namespace fleetgate {

metrics::LabelLimits LabelLimitsFrom(const config::Config& config) {
  metrics::LabelLimits limits;
  limits.max_labels_per_series = config.limits.max_labels_per_series;
  limits.max_label_name_bytes = config.limits.max_label_name_bytes;
  limits.max_label_value_bytes = config.limits.max_label_value_bytes;
  limits.max_metric_name_bytes = config.limits.max_metric_name_length;
  return limits;
}

metrics::MetricStoreOptions MetricStoreOptionsFrom(const config::Config& config) {
  metrics::MetricStoreOptions options;
  options.label_limits = LabelLimitsFrom(config);
  options.max_series_per_metric = config.limits.max_series_per_metric;
  options.max_series_total = config.limits.max_series_total;
  options.series_ttl = config.metrics.series_ttl;
  options.default_buckets = config.metrics.default_buckets;
  options.buckets.insert(config.metrics.buckets.begin(), config.metrics.buckets.end());
  return options;
}

health::RegistryOptions RegistryOptionsFrom(const config::Config& config) {
  health::RegistryOptions options;
  options.default_ttl = config.health.default_ttl;
  options.max_ttl = config.health.max_ttl;
  options.forget_after = config.health.forget_after;
  options.max_instances = config.health.max_instances;
  options.max_instances_per_service = config.health.max_instances_per_service;
  return options;
}

ingest::IngestOptions IngestOptionsFrom(const config::Config& config) {
  ingest::IngestOptions options;
  options.max_events_per_batch = config.limits.max_events_per_batch;
  options.max_source_bytes = config.limits.max_label_value_bytes;
  options.max_service_bytes = config.limits.max_service_name_bytes;
  options.max_instance_bytes = config.limits.max_instance_name_bytes;
  options.max_detail_bytes = config.limits.max_detail_bytes;
  options.max_checks = config.limits.max_checks;
  options.max_inflight_batches = config.limits.max_inflight_batches;
  options.label_limits = LabelLimitsFrom(config);
  options.max_ttl = std::chrono::duration_cast<std::chrono::seconds>(config.health.max_ttl);
  return options;
}

otlp::OtlpOptions OtlpOptionsFrom(const config::Config& config) {
  otlp::OtlpOptions options;
  options.promote_resource_attributes = config.otlp.promote_resource_attributes;
  options.heartbeat_ttl = config.otlp.heartbeat_ttl;
  options.max_data_points = config.limits.max_events_per_batch;
  options.max_buckets = config.limits.max_histogram_buckets;
  options.max_source_bytes = config.limits.max_label_value_bytes;
  options.max_inflight = config.limits.max_inflight_batches;
  options.max_decoded_bytes = config.grpc.max_message_bytes;
  options.streams.max_streams = config.limits.max_series_total;
  options.streams.ttl = config.metrics.series_ttl;
  return options;
}

http::ServerOptions HttpOptionsFrom(const config::Config& config) {
  http::ServerOptions options;
  options.address = config.http.address;
  options.threads = static_cast<int>(config.http.threads);
  options.max_request_bytes = config.http.max_request_bytes;
  options.header_timeout = config.http.header_timeout;
  options.body_timeout = config.http.body_timeout;
  options.keepalive_timeout = config.http.keepalive_timeout;
  options.write_timeout = config.http.write_timeout;
  return options;
}

storage::DatabaseOptions DatabaseOptionsFrom(const config::Config& config) {
  storage::DatabaseOptions options;
  options.path = config.storage.database;
  options.synchronous = config.storage.synchronous == "full" ? storage::Synchronous::kFull
                                                             : storage::Synchronous::kNormal;
  options.busy_timeout = config.storage.busy_timeout;
  options.journal_size_limit_bytes = static_cast<int64_t>(config.storage.journal_size_limit_bytes);
  return options;
}

storage::HistoryWriterOptions WriterOptionsFrom(const config::Config& config) {
  storage::HistoryWriterOptions options;
  options.queue_capacity = config.storage.queue_capacity;
  options.batch_rows = config.storage.batch_rows;
  options.max_transaction_rows = config.storage.max_transaction_rows;
  options.flush_interval = config.storage.flush_interval;
  options.retention = config.storage.retention;
  options.retention_interval = config.storage.retention_interval;
  return options;
}

alerts::EvaluatorOptions EvaluatorOptionsFrom(const config::Config& config) {
  alerts::EvaluatorOptions options;
  options.interval = config.alerting.evaluation_interval;
  options.resend_delay = config.alerting.resend_delay;
  options.external_url = config.alerting.external_url;
  options.max_alerts_per_rule = config.alerting.max_alerts_per_rule;
  return options;
}

alerts::AlertmanagerClientOptions AlertmanagerClientOptionsFrom(const config::Config& config) {
  alerts::AlertmanagerClientOptions options;
  options.urls = config.alerting.alertmanagers;
  options.timeout = config.alerting.notification_timeout;
  options.queue_capacity = config.alerting.notification_queue_capacity;
  options.max_attempts = static_cast<int>(config.alerting.notification_max_attempts);
  return options;
}

events::HubOptions HubOptionsFrom(const config::Config& config) {
  events::HubOptions options;
  options.ring_events = config.events.ring_events;
  options.subscriber_buffer_bytes = config.events.subscriber_buffer_bytes;
  options.max_subscribers = config.events.max_subscribers;
  options.heartbeat = config.events.heartbeat_interval;
  return options;
}

health::ServicePolicies ServicePoliciesFrom(const config::Config& config) {
  std::map<std::string, health::ServicePolicy, std::less<>> each;
  health::ServicePolicy fallback;
  for (const auto& [service, policy] : config.health.service_policies) {
    health::ServicePolicy converted{policy.min_serving, policy.max_unavailable_ratio};
    if (service == "default") {
      fallback = converted;
    } else {
      each.emplace(service, converted);
    }
  }
  return health::ServicePolicies(fallback, std::move(each));
}

}  // namespace fleetgate
