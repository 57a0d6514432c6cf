#pragma once
// Gateway wires every component together from a Config: metric store, health registry, the gRPC
// Reporter and health services, the REST API, the alert evaluator and the maintenance loop (TTL
// sweeps). main() only
// builds one, starts it and waits for a signal. Start/Stop are called from one thread.

#include <grpcpp/server.h>
#include <prometheus/registry.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "alerts/alertmanager_client.h"
#include "alerts/rule_evaluator.h"
#include "alerts/rule_registry.h"
#include "api/probes.h"
#include "config/config.h"
#include "core/clock.h"
#include "gateway_storage.h"
#include "health/health_registry.h"
#include "history/history_recorder.h"
#include "http/http_server.h"
#include "ingest/batch_processor.h"
#include "ingest/reporter_service.h"
#include "leadership.h"
#include "metrics/exposition.h"
#include "metrics/metric_store.h"
#include "metrics/self_metrics.h"

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
  void Stop();

  int grpc_port() const { return grpc_port_; }
  uint16_t http_port() const;
  // True once this replica lost the PostgreSQL leader lock; it stopped acting and asked to be
  // stopped (main exits non-zero so the supervisor restarts it as a standby).
  bool lost_leadership() const { return lost_leadership_.load(); }

 private:
  void StartGrpc();
  void StartHttp();
  void RegisterProbes();
  void RestoreFromHistory();
  void SetUpAlerting();
  void StopAlerting();
  std::string ExternalUrl() const;
  void MaintenanceLoop();
  // High availability (storage.backend postgres): leader election and the hand-over.
  void SetUpLeadership();
  void BecomeLeader();
  void StopActing();

  const config::Config config_;
  const std::shared_ptr<const Clock> clock_;
  const TimePoint started_at_;
  std::shared_ptr<prometheus::Registry> self_registry_;
  metrics::IngestMetrics ingest_metrics_;
  metrics::MetricStore store_;
  std::unique_ptr<GatewayStorage> storage_;
  history::HistoryRecorder recorder_;
  health::HealthRegistry registry_;
  ingest::BatchProcessor processor_;
  ingest::ReporterService reporter_;
  std::unique_ptr<alerts::RuleRegistry> rules_;
  std::unique_ptr<alerts::AlertmanagerClient> alertmanagers_;  // null: none configured
  std::unique_ptr<alerts::RuleEvaluator> evaluator_;
  metrics::Exposition exposition_;
  api::Probes probes_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<http::HttpServer> http_server_;
  int grpc_port_ = 0;
  std::atomic<bool> serving_{false};
  // Ingests, sweeps TTLs and evaluates alerts: always on SQLite, only the leader on PostgreSQL.
  std::atomic<bool> acting_{false};
  std::atomic<bool> lost_leadership_{false};
  std::unique_ptr<Leadership> leadership_;  // null on SQLite
  std::atomic<int64_t> last_maintenance_ns_{0};

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread maintenance_;
};

}  // namespace fleetgate
