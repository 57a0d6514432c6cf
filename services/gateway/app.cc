#include "app.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "api/routes.h"
#include "health/health_collector.h"
#include "metrics/process_collector.h"
#include "options.h"

namespace fleetgate {

const char kVersion[] = FLEETGATE_VERSION;

namespace {

int64_t Nanos(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The maintenance loop is considered hung after this many missed sweeps.
constexpr int kMissedSweepsBeforeUnhealthy = 30;

}  // namespace

Gateway::Gateway(config::Config config, std::shared_ptr<const Clock> clock)
    : config_(std::move(config)),
      clock_(std::move(clock)),
      started_at_(clock_->Now()),
      self_registry_(std::make_shared<prometheus::Registry>()),
      ingest_metrics_(*self_registry_),
      store_(MetricStoreOptionsFrom(config_), clock_, &ingest_metrics_.series_active()),
      storage_(std::make_unique<GatewayStorage>(config_, clock_, *self_registry_)),
      recorder_(storage_->sink()),
      registry_(RegistryOptionsFrom(config_), clock_, &recorder_),
      processor_(IngestOptionsFrom(config_), store_, registry_, ingest_metrics_),
      reporter_(processor_) {
  metrics::RegisterBuildInfo(*self_registry_, kVersion);
  exposition_.Add(self_registry_);
  exposition_.Add(std::make_shared<metrics::ProcessCollector>());
  exposition_.Add(std::make_shared<health::HealthCollector>(registry_));
  exposition_.Add(store_.registry());
  SetUpAlerting();
  if (storage_->postgres()) {
    processor_.SetStandby(true);  // until this replica takes the leader lock
  } else {
    RestoreFromHistory();
    acting_ = true;
  }
  RegisterProbes();
}

void Gateway::SetUpAlerting() {
  rules_ = std::make_unique<alerts::RuleRegistry>(storage_->rules(), clock_);
  rules_->Provision(config_.alerting.rule_files);
  const size_t provisioned = rules_->List().size();
  // A PostgreSQL standby loads the stored rules when it takes over: they may change until then.
  const size_t stored = storage_->postgres() ? 0 : rules_->LoadStored();
  spdlog::info("{} alert rules loaded ({} from rule files)", provisioned + stored, provisioned);
  if (!config_.alerting.alertmanagers.empty()) {
    alertmanagers_ = std::make_unique<alerts::AlertmanagerClient>(
        AlertmanagerClientOptionsFrom(config_), *self_registry_);
  }
  evaluator_ = std::make_unique<alerts::RuleEvaluator>(
      EvaluatorOptionsFrom(config_), *rules_, store_, registry_, storage_->sink(),
      alertmanagers_.get(), clock_, *self_registry_);
}

void Gateway::RestoreFromHistory() {
  const std::string& where = storage_->description();
  auto states = storage_->source().LoadInstanceStates();
  if (!states.ok()) {
    throw std::runtime_error("cannot read instance states from " + where + ": " +
                             states.error().message);
  }
  size_t restored = history::RestoreRegistry(states.value(), clock_->Now(), registry_);
  auto alert_states = storage_->source().LoadAlertStates();
  if (!alert_states.ok()) {
    throw std::runtime_error("cannot read alert states from " + where + ": " +
                             alert_states.error().message);
  }
  evaluator_->Restore(alert_states.value());
  spdlog::info("database {} open; {} instances and the alerts of {} rules restored", where,
               restored, alert_states.value().size());
}

Gateway::~Gateway() { Stop(); }

void Gateway::RegisterProbes() {
  probes_.Add("grpc", api::ProbeKind::kReadiness, [this] {
    return serving_.load()
               ? api::ProbeResult{true, "listening on port " + std::to_string(grpc_port_)}
               : api::ProbeResult{false, "not accepting reports"};
  });
  probes_.Add("storage", api::ProbeKind::kReadiness, [this] {
    return storage_->sink().Healthy() ? api::ProbeResult{true, storage_->description()}
                                      : api::ProbeResult{false, storage_->sink().LastError()};
  });
  if (storage_->postgres()) {
    probes_.Add("leader", api::ProbeKind::kReadiness, [this] {
      return acting_.load() ? api::ProbeResult{true, "holds the leader lock"}
                            : api::ProbeResult{false, "standby: another replica leads", "standby"};
    });
  }
  probes_.Add("maintenance", api::ProbeKind::kLiveness, [this] {
    auto since = clock_->Now() - TimePoint(std::chrono::nanoseconds(last_maintenance_ns_.load()));
    bool ok = since < config_.health.sweep_interval * kMissedSweepsBeforeUnhealthy;
    return api::ProbeResult{ok, ok ? "" : "the TTL sweep has not run for too long"};
  });
}

void Gateway::Start() {
  last_maintenance_ns_ = Nanos(clock_->Now());
  StartGrpc();
  StartHttp();
  maintenance_ = std::thread([this] { MaintenanceLoop(); });
  evaluator_->SetExternalUrl(ExternalUrl());
  if (storage_->postgres()) {
    SetUpLeadership();
  } else {
    evaluator_->Start();
  }
  serving_ = true;
  spdlog::info("fleetgate {} serving gRPC on port {} and HTTP on port {}", kVersion, grpc_port_,
               http_port());
}

void Gateway::StartGrpc() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config_.grpc.address, grpc::InsecureServerCredentials(), &grpc_port_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config_.grpc.max_message_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             static_cast<int>(config_.grpc.max_concurrent_streams));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             static_cast<int>(config_.grpc.keepalive_min_ping_interval.count()));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES,
                             static_cast<int>(config_.grpc.keepalive_max_ping_strikes));
  grpc::ResourceQuota quota("fleetgate");
  quota.Resize(config_.grpc.memory_quota_bytes);
  quota.SetMaxThreads(static_cast<int>(config_.grpc.max_threads));
  builder.SetResourceQuota(quota);
  builder.RegisterService(&reporter_);
  grpc_server_ = builder.BuildAndStart();
  if (!grpc_server_ || grpc_port_ == 0) {
    throw std::runtime_error("cannot listen for gRPC on " + config_.grpc.address);
  }
  grpc_server_->GetHealthCheckService()->SetServingStatus(true);
}

void Gateway::StartHttp() {
  auto router = std::make_shared<http::Router>();
  api::ApiContext context{&registry_,
                          &exposition_,
                          &probes_,
                          clock_,
                          std::string(kVersion),
                          started_at_,
                          config_.http.admin_token,
                          &storage_->source(),
                          rules_.get(),
                          evaluator_.get()};
  api::AddProbeRoutes(*router, context);
  api::AddFleetRoutes(*router, context);
  api::AddHistoryRoutes(*router, context);
  api::AddAlertRoutes(*router, context);
  http_server_ =
      std::make_unique<http::HttpServer>(HttpOptionsFrom(config_), router, self_registry_.get());
  http_server_->Start();
}

std::string Gateway::ExternalUrl() const {
  if (!config_.alerting.external_url.empty()) return config_.alerting.external_url;
  char host[256] = "localhost";
  if (gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "localhost");
  return "http://" + std::string(host) + ":" + std::to_string(http_port());
}

uint16_t Gateway::http_port() const { return http_server_ ? http_server_->port() : 0; }

void Gateway::MaintenanceLoop() {
  const auto series_sweep_every = std::max<std::chrono::milliseconds>(
      std::chrono::seconds(1), std::min<std::chrono::milliseconds>(config_.metrics.series_ttl / 10,
                                                                   std::chrono::seconds(30)));
  auto next_series_sweep = std::chrono::steady_clock::now() + series_sweep_every;
  std::unique_lock<std::mutex> lock(stop_mutex_);
  while (!stopping_) {
    lock.unlock();
    if (acting_.load()) registry_.Sweep();  // a standby's registry is rebuilt on takeover
    if (std::chrono::steady_clock::now() >= next_series_sweep) {
      size_t removed = store_.RemoveExpired();
      if (removed > 0) spdlog::debug("removed {} series past series_ttl", removed);
      next_series_sweep = std::chrono::steady_clock::now() + series_sweep_every;
    }
    last_maintenance_ns_ = Nanos(clock_->Now());
    lock.lock();
    stop_cv_.wait_for(lock, config_.health.sweep_interval, [this] { return stopping_; });
  }
}

// The evaluator stops first so its last state changes are queued before the history writer
// flushes; notifications still queued get a short chance to reach Alertmanager.
void Gateway::StopAlerting() {
  evaluator_->Stop();
  if (alertmanagers_) {
    alertmanagers_->FlushFor(config_.shutdown.drain_timeout);
    alertmanagers_->Stop();
  }
  spdlog::debug("alert evaluator stopped");
}

void Gateway::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  const auto deadline = std::chrono::system_clock::now() + config_.shutdown.timeout;
  serving_ = false;
  processor_.Drain();
  reporter_.CloseStreams();
  if (grpc_server_) {
    grpc_server_->GetHealthCheckService()->SetServingStatus(false);
    // Batches are applied inline and streams were just closed, so open calls finish within
    // milliseconds; an idle client connection would otherwise hold Shutdown for seconds.
    grpc_server_->Shutdown(
        std::min(deadline, std::chrono::system_clock::now() + config_.shutdown.drain_timeout));
    grpc_server_->Wait();
    spdlog::debug("gRPC server stopped");
  }
  stop_cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  StopAlerting();
  if (http_server_) http_server_->Shutdown();
  spdlog::debug("HTTP server stopped");
  // Everything the registry recorded is in the queue now; commit it before exiting.
  storage_->Stop();
  spdlog::debug("history writer flushed");
  // Last: the lock is released once this leader's writes are committed, so a standby that
  // takes over reads them all.
  if (leadership_) leadership_->Stop();
  spdlog::info("fleetgate stopped");
}

// High availability. Leadership polls the PostgreSQL advisory lock; the replica that takes it
// rebuilds the registry, the stored rules and the alert states from PostgreSQL before it admits
// reports, sweeps TTLs and evaluates alerts, and only then turns Ready. A leader whose lock
// session breaks stops all of that at once (another replica may take the lock as soon as the
// server notices) and asks to be stopped: a fresh process rejoins as a standby.
void Gateway::SetUpLeadership() {
  leadership_ = std::make_unique<Leadership>(
      PostgresConnectOptionsFrom(config_), config_.storage.leader_poll_interval, clock_,
      *self_registry_, [this] { BecomeLeader(); }, [this] { StopActing(); });
  leadership_->Start();
}

void Gateway::BecomeLeader() {
  const auto started = std::chrono::steady_clock::now();
  try {
    const size_t stored = rules_->LoadStored();
    RestoreFromHistory();
    spdlog::info("{} stored alert rules loaded", stored);
  } catch (const std::exception& e) {
    spdlog::error("cannot take over as leader: {}", e.what());
    StopActing();
    return;
  }
  evaluator_->Start();
  processor_.SetStandby(false);
  acting_ = true;
  spdlog::info("leader: state rebuilt from PostgreSQL in {} ms; now Ready",
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count());
}

void Gateway::StopActing() {
  acting_ = false;
  processor_.SetStandby(true);
  evaluator_->Stop();
  if (lost_leadership_.exchange(true)) return;
  spdlog::error("no longer the leader: reports refused, alerting stopped; stopping the process");
  kill(getpid(), SIGTERM);
}

}  // namespace fleetgate
