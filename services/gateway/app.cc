#include "app.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "api/routes.h"
#include "events/event_routes.h"
#include "guard/descriptor_limit.h"
#include "guard/server_arguments.h"
#include "health/health_collector.h"
#include "health/service_health_collector.h"
#include "logging.h"
#include "metrics/process_collector.h"
#include "options.h"
#include "otlp/http_route.h"
#include "ui/ui_routes.h"

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
      series_budget_(store_),
      storage_(std::make_unique<GatewayStorage>(config_, clock_, *self_registry_)),
      event_hub_(HubOptionsFrom(config_)),
      event_tap_(storage_->sink(), event_hub_),
      recorder_(event_tap_),
      registry_(RegistryOptionsFrom(config_), clock_, &recorder_, &series_budget_),
      processor_(IngestOptionsFrom(config_), store_, registry_, ingest_metrics_),
      trust_(config_, *self_registry_, ingest_metrics_, clock_),
      durable_acks_(event_tap_, config_.storage.durable_ack, clock_),
      ingest_service_(processor_, trust_.report_gate(), durable_acks()),
      otlp_processor_(OtlpOptionsFrom(config_), store_, registry_, ingest_metrics_, clock_),
      otlp_service_(otlp_processor_, trust_.report_gate(), durable_acks()),
      policies_(ServicePoliciesFrom(config_)),
      maintenance_("maintenance", clock_, config_.health.sweep_interval,
                   [this](TimePoint now) { Maintain(now); }) {
  metrics::RegisterBuildInfo(*self_registry_, kVersion);
  exposition_.Add(self_registry_);
  exposition_.Add(std::make_shared<metrics::ProcessCollector>());
  exposition_.Add(std::make_shared<health::HealthCollector>(registry_));
  exposition_.Add(std::make_shared<health::ServiceHealthCollector>(registry_, policies_));
  exposition_.Add(store_.collectable());
  SetUpAlerting();
  if (storage_->postgres()) {
    processor_.SetStandby(true);  // until this replica takes the leader lock
  } else {
    RestoreFromHistory();
    acting_ = true;
  }
  RegisterProbes();
  RegisterComponents();
}

void Gateway::SetUpAlerting() {
  rules_ =
      std::make_unique<alerts::RuleCatalog>(storage_->rules(), clock_, config_.alerting.max_rules);
  rules_->Provision(config_.alerting.rule_files);
  const size_t provisioned = rules_->List().size();
  spdlog::info("{} alert rules loaded ({} from rule files)", provisioned + rules_->LoadStored(),
               provisioned);
  if (!config_.alerting.alertmanagers.empty()) {
    alertmanagers_ = std::make_unique<alerts::AlertmanagerClient>(
        AlertmanagerClientOptionsFrom(config_), *self_registry_);
  }
  alerts::EvaluatorOptions evaluator_options = EvaluatorOptionsFrom(config_);
  evaluator_options.policies = &policies_;
  evaluator_ = std::make_unique<alerts::RuleEvaluator>(
      std::move(evaluator_options), *rules_, store_, registry_, event_tap_, alertmanagers_.get(),
      clock_, *self_registry_);
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
      if (acting_.load()) return api::ProbeResult{true, "holds the leader lock"};
      if (rejoining_.load()) {
        return api::ProbeResult{false,
                                "lost the leader lock's session: reports accepted, alerting "
                                "paused until PostgreSQL answers",
                                "leader_lock_lost"};
      }
      return api::ProbeResult{false, "standby: another replica leads", "standby"};
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
  trust_.Start();
  StartGrpc();
  StartHttp();
  maintenance_.Start();
  maintenance_.Wake();  // the first sweep at once, not one interval later
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

// The plaintext port is accepted by the guard (gRPC 1.51's listener cannot survive EMFILE) and
// each connection handed to the server; a TLS listener (tls.*) would stay gRPC's own, with
// grpc.handshake_timeout and client_auth keeping strangers out of HTTP/2.
void Gateway::StartGrpc() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (config_.tls.cert_file.empty()) {
    // Plaintext: the guard owns the listening socket (gRPC 1.51's listener cannot survive
    // EMFILE) and hands each admitted connection to the server.
    const size_t descriptors = guard::RaiseDescriptorLimit();
    grpc_guard_ = std::make_unique<guard::GrpcPortGuard>(
        guard::WithDerivedCaps(guard::GuardOptionsFrom(config_), descriptors), *self_registry_,
        clock_);
    grpc_port_ = grpc_guard_->Bind(config_.grpc.address);
  } else {
    // TLS: gRPC's own listener, so it runs the handshakes; grpc.handshake_timeout and
    // tls.client_auth keep strangers out of HTTP/2.
    builder.AddListeningPort(config_.grpc.address, trust_.GrpcCredentials(), &grpc_port_);
  }
  guard::ApplyServerArguments(config_, builder);
  builder.RegisterService(&ingest_service_);
  builder.RegisterService(&otlp_service_);
  grpc_server_ = builder.BuildAndStart();
  if (!grpc_server_ || grpc_port_ == 0) {
    throw std::runtime_error("cannot listen for gRPC on " + config_.grpc.address);
  }
  grpc_server_->GetHealthCheckService()->SetServingStatus(true);
  if (grpc_guard_) {
    grpc_guard_->Start(grpc_server_.get(), grpc_port_);
    RegisterGuardProbes();
  }
}

void Gateway::RegisterGuardProbes() {
  probes_.Add("grpc_port", api::ProbeKind::kReadiness, [this] {
    std::string why = grpc_guard_->NotReadyReason();
    return api::ProbeResult{why.empty(), why};
  });
  probes_.Add("grpc_port_alive", api::ProbeKind::kLiveness, [this] {
    std::string why = grpc_guard_->NotAliveReason();
    return api::ProbeResult{why.empty(), why};
  });
}

void Gateway::StartHttp() {
  auto router = std::make_shared<http::Router>();
  api::ApiContext context{&registry_,
                          &exposition_,
                          &probes_,
                          clock_,
                          std::string(kVersion),
                          started_at_,
                          &storage_->source(),
                          rules_.get(),
                          evaluator_.get(),
                          &policies_,
                          &components_,
                          [storage = storage_.get()](std::chrono::milliseconds wait) {
                            return storage->CommitQueued(wait);
                          }};
  api::AddProbeRoutes(*router, context);
  api::AddFleetRoutes(*router, context);
  api::AddMaintenanceRoutes(*router, context);
  api::AddHistoryRoutes(*router, context);
  api::AddAlertRoutes(*router, context);
  router->SetGuard(trust_.HttpGuard());
  router->SetObserver(AuditChange);
  otlp::AddOtlpRoutes(*router, otlp_processor_, trust_.report_gate(), durable_acks());
  events::AddEventRoutes(*router, event_hub_);
  ui::AddUiRoutes(*router);
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

// Sweeps expired health every run and expired series every tenth of series_ttl (1s to 30s).
void Gateway::Maintain(TimePoint now) {
  const auto series_sweep_every = std::max<std::chrono::milliseconds>(
      std::chrono::seconds(1), std::min<std::chrono::milliseconds>(config_.metrics.series_ttl / 10,
                                                                   std::chrono::seconds(30)));
  if (acting_.load()) registry_.Sweep();  // a standby's registry is rebuilt on takeover
  if (next_series_sweep_ == TimePoint{}) next_series_sweep_ = now + series_sweep_every;
  if (now >= next_series_sweep_) {
    size_t removed = store_.RemoveExpired();
    if (removed > 0) spdlog::debug("removed {} series past series_ttl", removed);
    next_series_sweep_ = now + series_sweep_every;
  }
  last_maintenance_ns_ = Nanos(clock_->Now());
}

// Readiness is already false and new calls get UNAVAILABLE; keep answering so for the drain
// timeout (load balancers notice), then stop accepting and let gRPC finish the calls in flight:
// only the overall shutdown deadline may cancel one.
void Gateway::DrainGrpc(std::chrono::system_clock::time_point deadline) {
  grpc_server_->GetHealthCheckService()->SetServingStatus(false);
  const auto drain_end =
      std::min(deadline, std::chrono::system_clock::now() + config_.shutdown.drain_timeout);
  spdlog::info("draining: new gRPC calls get UNAVAILABLE for {} ms",
               config_.shutdown.drain_timeout.count());
  std::this_thread::sleep_until(drain_end);
  if (grpc_guard_) grpc_guard_->StopAccepting();
  grpc_server_->Shutdown(deadline);
  grpc_server_->Wait();
  if (grpc_guard_) grpc_guard_->Stop();
  spdlog::debug("gRPC server stopped");
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
  std::call_once(stop_once_, [this] { StopOnce(); });
}

void Gateway::StopOnce() {
  const auto deadline = std::chrono::system_clock::now() + config_.shutdown.timeout;
  serving_ = false;
  processor_.Drain();
  otlp_processor_.Drain();
  ingest_service_.CloseStreams();
  if (grpc_server_) DrainGrpc(deadline);
  durable_acks_.Stop();  // calls still waiting for a commit get UNAVAILABLE
  maintenance_.Stop();
  StopAlerting();
  event_hub_.Stop();
  trust_.Stop();
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
// session breaks pauses TTL sweeps and alerting at once (another replica may take the lock as
// soon as the server notices) but keeps accepting reports (history queues), and rejoins by
// itself when PostgreSQL answers: as the leader again, or as a standby.
void Gateway::SetUpLeadership() {
  leadership_ = std::make_unique<Leadership>(
      PostgresConnectOptionsFrom(config_), config_.storage.leader_poll_interval, clock_,
      *self_registry_, [this] { return BecomeLeader(); }, [this] { StopActing(); },
      [this] { BecomeStandby(); });
  leadership_->Start();
}

// Reports wait (UNAVAILABLE) while the state is rebuilt. What this replica queued while it
// could not reach PostgreSQL is committed first, so the state read back includes it; when that
// takes too long the lock is given back and taken again at a later poll.
bool Gateway::BecomeLeader() {
  const auto started = std::chrono::steady_clock::now();
  processor_.SetStandby(true);
  const auto give_back = [this] {
    processor_.SetStandby(!rejoining_.load());  // a rejoining replica keeps accepting reports
    return false;
  };
  if (!storage_->CommitQueued(config_.shutdown.drain_timeout)) {
    spdlog::warn("leader: history queued during the outage not committed yet");
    return give_back();
  }
  try {
    const size_t stored = rules_->LoadStored();
    RestoreFromHistory();
    spdlog::info("{} stored alert rules loaded", stored);
  } catch (const std::exception& e) {
    spdlog::error("cannot take over as leader: {}", e.what());
    return give_back();
  }
  evaluator_->Start();
  processor_.SetStandby(false);
  rejoining_ = false;
  acting_ = true;
  spdlog::info("leader: state rebuilt from PostgreSQL in {} ms; now Ready",
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count());
  return true;
}

void Gateway::StopActing() {
  acting_ = false;
  rejoining_ = true;
  evaluator_->Pause();
  spdlog::error(
      "no longer the leader: alerting and TTL sweeps paused, reports still accepted; rejoining "
      "when PostgreSQL answers");
}

void Gateway::BecomeStandby() {
  processor_.SetStandby(true);
  if (rejoining_.exchange(false)) {
    spdlog::warn("another replica holds the leader lock: now a standby, reports refused");
  }
}

}  // namespace fleetgate
