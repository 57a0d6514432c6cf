#include "app.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
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
      database_(std::make_unique<storage::Database>(DatabaseOptionsFrom(config_))),
      writer_(std::make_unique<storage::HistoryWriter>(*database_, WriterOptionsFrom(config_),
                                                       clock_, *self_registry_)),
      reader_(std::make_unique<storage::HistoryReader>(*database_, *self_registry_)),
      event_hub_(HubOptionsFrom(config_)),
      event_tap_(*writer_, event_hub_),
      recorder_(event_tap_),
      registry_(RegistryOptionsFrom(config_), clock_, &recorder_),
      processor_(IngestOptionsFrom(config_), store_, registry_, ingest_metrics_),
      trust_(config_, *self_registry_, ingest_metrics_, clock_),
      ingest_service_(processor_, trust_.report_gate()),
      otlp_processor_(OtlpOptionsFrom(config_), store_, registry_, ingest_metrics_, clock_),
      otlp_service_(otlp_processor_),
      policies_(ServicePoliciesFrom(config_)),
      maintenance_("maintenance", clock_, config_.health.sweep_interval,
                   [this](TimePoint now) { Maintain(now); }) {
  metrics::RegisterBuildInfo(*self_registry_, kVersion);
  exposition_.Add(self_registry_);
  exposition_.Add(std::make_shared<metrics::ProcessCollector>());
  exposition_.Add(std::make_shared<health::HealthCollector>(registry_));
  exposition_.Add(std::make_shared<health::ServiceHealthCollector>(registry_, policies_));
  exposition_.Add(store_.collectable());
  if (config_.storage.max_size_bytes > 0) {
    writer_->SetMaxPageCount(static_cast<int64_t>(config_.storage.max_size_bytes) /
                             database_->options().page_size_bytes);
  }
  SetUpAlerting();
  RestoreFromHistory();
  RegisterProbes();
  RegisterComponents();
}

void Gateway::SetUpAlerting() {
  rule_store_ = std::make_unique<storage::RuleStore>(*database_, *self_registry_);
  rules_ = std::make_unique<alerts::RuleCatalog>(*rule_store_, clock_);
  rules_->Provision(config_.alerting.rule_files);
  const size_t provisioned = rules_->List().size();
  spdlog::info("{} alert rules loaded ({} from rule files)", provisioned + rules_->LoadStored(),
               provisioned);
  if (!config_.alerting.alertmanagers.empty()) {
    alertmanagers_ = std::make_unique<alerts::AlertmanagerClient>(
        AlertmanagerClientOptionsFrom(config_), *self_registry_);
  }
  evaluator_ = std::make_unique<alerts::RuleEvaluator>(
      EvaluatorOptionsFrom(config_), *rules_, store_, registry_, event_tap_, alertmanagers_.get(),
      clock_, *self_registry_);
}

void Gateway::RestoreFromHistory() {
  auto states = reader_->LoadInstanceStates();
  if (!states.ok()) {
    throw std::runtime_error("cannot read instance states from " + config_.storage.database + ": " +
                             states.error().message);
  }
  size_t restored = history::RestoreRegistry(states.value(), clock_->Now(), registry_);
  auto alert_states = reader_->LoadAlertStates();
  if (!alert_states.ok()) {
    throw std::runtime_error("cannot read alert states from " + config_.storage.database + ": " +
                             alert_states.error().message);
  }
  evaluator_->Restore(alert_states.value());
  spdlog::info("database {} open; {} instances and the alerts of {} rules restored",
               config_.storage.database, restored, alert_states.value().size());
}

Gateway::~Gateway() { Stop(); }

void Gateway::RegisterProbes() {
  probes_.Add("grpc", api::ProbeKind::kReadiness, [this] {
    return serving_.load()
               ? api::ProbeResult{true, "listening on port " + std::to_string(grpc_port_)}
               : api::ProbeResult{false, "not accepting reports"};
  });
  probes_.Add("storage", api::ProbeKind::kReadiness, [this] {
    return writer_->Healthy() ? api::ProbeResult{true, config_.storage.database}
                              : api::ProbeResult{false, writer_->LastError()};
  });
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
  evaluator_->Start();
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
  api::ApiContext context{
      &registry_,    &exposition_, &probes_,         clock_,     std::string(kVersion), started_at_,
      reader_.get(), rules_.get(), evaluator_.get(), &policies_, &components_};
  if (writer_) {
    context.commit_history = [writer = writer_.get()](std::chrono::milliseconds wait) {
      return writer->FlushFor(wait);
    };
  }
  api::AddProbeRoutes(*router, context);
  api::AddFleetRoutes(*router, context);
  api::AddMaintenanceRoutes(*router, context);
  api::AddHistoryRoutes(*router, context);
  api::AddAlertRoutes(*router, context);
  router->SetGuard(trust_.HttpGuard());
  router->SetObserver(AuditChange);
  otlp::AddOtlpRoutes(*router, otlp_processor_);
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
  registry_.Sweep();
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
  maintenance_.Stop();
  StopAlerting();
  event_hub_.Stop();
  trust_.Stop();
  if (http_server_) http_server_->Shutdown();
  spdlog::debug("HTTP server stopped");
  // Everything the registry recorded is in the queue now; commit it before exiting.
  writer_->Stop();
  spdlog::debug("history writer flushed");
  spdlog::info("fleetgate stopped");
}

}  // namespace fleetgate
