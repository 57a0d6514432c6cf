#pragma once
// Gateway wires every component together from a Config: metric store, health registry, the gRPC
// Reporter and health services, the REST API, the alert evaluator and the maintenance worker (TTL
// sweeps). main() only builds one, starts it and waits for a signal. Start/Stop are called from
// one thread.

#include <grpcpp/server.h>
#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <mutex>

#include "alerts/alertmanager_client.h"
#include "alerts/rule_catalog.h"
#include "alerts/rule_evaluator.h"
#include "api/health_details.h"
#include "api/probes.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/periodic_worker.h"
#include "events/event_tap.h"
#include "events/sse_hub.h"
#include "gateway_storage.h"
#include "guard/grpc_port_guard.h"
#include "health/health_registry.h"
#include "health/service_policy.h"
#include "history/history_recorder.h"
#include "http/http_server.h"
#include "ingest/batch_processor.h"
#include "ingest/ingest_service.h"
#include "ingest/series_budget.h"
#include "leadership.h"
#include "metrics/exposition.h"
#include "metrics/metric_store.h"
#include "metrics/self_metrics.h"
#include "otlp/export_processor.h"
#include "otlp/metrics_service.h"
#include "trust.h"

namespace fleetgate {

extern const char kVersion[];

class Gateway {
 public:
  // Opens and migrates the database and rebuilds the registry from it; throws on failure
  // (start-up: the caller reports it and exits).
  Gateway(config::Config config, std::shared_ptr<const Clock> clock);
  ~Gateway();

  // Binds both listeners and starts serving; throws std::runtime_error when one cannot bind.
  void Start();
  // Graceful stop: readiness false, new batches refused, in-flight ones finish, listeners close.
  // Idempotent.
  void Stop();

  int grpc_port() const { return grpc_port_; }
  uint16_t http_port() const;

 private:
  void StartGrpc();
  void RegisterGuardProbes();
  void DrainGrpc(std::chrono::system_clock::time_point deadline);
  void StartHttp();
  void RegisterProbes();
  void RegisterComponents();  // gateway_health.cc
  void RestoreFromHistory();
  void SetUpAlerting();
  void StopAlerting();
  std::string ExternalUrl() const;
  void StopOnce();
  void Maintain(TimePoint now);
  // High availability (storage.backend postgres): leader election and the hand-over.
  void SetUpLeadership();
  bool BecomeLeader();
  void StopActing();
  void BecomeStandby();

  const config::Config config_;
  const std::shared_ptr<const Clock> clock_;
  const TimePoint started_at_;
  std::shared_ptr<prometheus::Registry> self_registry_;
  metrics::IngestMetrics ingest_metrics_;
  metrics::MetricStore store_;
  ingest::StoreSeriesBudget series_budget_;  // the registry's instance series count in store_'s cap
  std::unique_ptr<GatewayStorage> storage_;
  events::SseHub event_hub_;
  events::EventTap event_tap_;  // the writer, with transitions and alert changes published live
  history::HistoryRecorder recorder_;
  health::HealthRegistry registry_;
  ingest::BatchProcessor processor_;
  Trust trust_;
  ingest::DurableAcks durable_acks_;  // storage.durable_ack
  // What the ingest services are handed: none when storage.durable_ack is off, so a report's
  // answer takes no detour.
  ingest::DurableAcks* durable_acks() { return durable_acks_.enabled() ? &durable_acks_ : nullptr; }
  ingest::IngestService ingest_service_;
  otlp::ExportProcessor otlp_processor_;
  otlp::MetricsService otlp_service_;
  std::unique_ptr<alerts::RuleCatalog> rules_;
  std::unique_ptr<alerts::AlertmanagerClient> alertmanagers_;  // null: none configured
  std::unique_ptr<alerts::RuleEvaluator> evaluator_;
  metrics::Exposition exposition_;
  api::Probes probes_;
  std::unique_ptr<guard::GrpcPortGuard> grpc_guard_;  // before the server: outlives it
  health::ServicePolicies policies_;
  api::HealthDetails components_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<http::HttpServer> http_server_;
  int grpc_port_ = 0;
  std::atomic<bool> serving_{false};
  // Ingests, sweeps TTLs and evaluates alerts: always on SQLite, only the leader on PostgreSQL.
  std::atomic<bool> acting_{false};
  // PostgreSQL: set when the leader lock's session broke, until the lock is taken again or
  // another replica is seen holding it. Meanwhile reports are still accepted, alerting paused.
  std::atomic<bool> rejoining_{false};
  std::unique_ptr<Leadership> leadership_;  // null on SQLite
  std::atomic<int64_t> last_maintenance_ns_{0};
  TimePoint next_series_sweep_{};  // only touched by the maintenance worker
  PeriodicWorker maintenance_;     // TTL sweeps of the registry and the metric store
  std::once_flag stop_once_;
};

}  // namespace fleetgate
