#pragma once
// Translates the Config into each component's options. Pure functions.

#include "alerts/alertmanager_client.h"
#include "alerts/rule_evaluator.h"
#include "config/config.h"
#include "events/sse_hub.h"
#include "health/health_registry.h"
#include "health/service_policy.h"
#include "http/http_server.h"
#include "ingest/batch_processor.h"
#include "metrics/metric_store.h"
#include "otlp/export_processor.h"
#include "storage/database.h"
#include "storage/history_writer.h"

namespace fleetgate {

metrics::LabelLimits LabelLimitsFrom(const config::Config& config);
metrics::MetricStoreOptions MetricStoreOptionsFrom(const config::Config& config);
health::RegistryOptions RegistryOptionsFrom(const config::Config& config);
ingest::IngestOptions IngestOptionsFrom(const config::Config& config);
otlp::OtlpOptions OtlpOptionsFrom(const config::Config& config);
http::ServerOptions HttpOptionsFrom(const config::Config& config);
storage::DatabaseOptions DatabaseOptionsFrom(const config::Config& config);
storage::HistoryWriterOptions WriterOptionsFrom(const config::Config& config);
alerts::EvaluatorOptions EvaluatorOptionsFrom(const config::Config& config);
alerts::AlertmanagerClientOptions AlertmanagerClientOptionsFrom(const config::Config& config);
events::HubOptions HubOptionsFrom(const config::Config& config);
health::ServicePolicies ServicePoliciesFrom(const config::Config& config);

}  // namespace fleetgate
