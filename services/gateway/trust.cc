#include "trust.h"

#include <spdlog/spdlog.h>

#include "auth/tls_credentials.h"

namespace fleetgate {
namespace {

auth::AuthPolicy PolicyFrom(const config::Config& config) {
  const bool file = !config.auth.tokens_file.empty();
  return {file, file || !config.http.admin_token.empty(), file};
}

std::shared_ptr<const auth::CredentialSet> LoadOrThrow(const config::Config& config) {
  auto loaded = auth::LoadCredentials(config.auth.tokens_file, config.http.admin_token);
  if (!loaded.ok()) throw std::runtime_error("auth.tokens_file: " + loaded.error().message);
  return std::move(loaded).value();
}

auth::QuotaOptions QuotasFrom(const config::RateLimit& limit) {
  auth::QuotaOptions options;
  options.rate = {limit.rate.events_per_second, limit.rate.burst};
  for (const auto& [service, rate] : limit.overrides) {
    options.overrides[service] = {rate.events_per_second, rate.burst};
  }
  return options;
}

auth::TlsOptions TlsFrom(const config::Config& config) {
  auth::TlsOptions options;
  options.cert_file = config.tls.cert_file;
  options.key_file = config.tls.key_file;
  options.client_ca_file = config.tls.client_ca_file;
  options.client_auth = config.tls.client_auth;
  options.reload_interval =
      std::chrono::duration_cast<std::chrono::seconds>(config.tls.reload_interval);
  return options;
}

}  // namespace

Trust::Trust(const config::Config& config, prometheus::Registry& self_registry,
             const metrics::IngestMetrics& ingest_metrics, std::shared_ptr<const Clock> clock)
    : config_(config),
      metrics_(self_registry),
      authenticator_(PolicyFrom(config), LoadOrThrow(config)),
      http_guard_(authenticator_, metrics_),
      grpc_guard_(authenticator_, metrics_),
      quotas_(QuotasFrom(config.ingest.rate_limit), clock),
      report_gate_(&grpc_guard_, &authenticator_, &quotas_, &metrics_, ingest_metrics) {
  auth::CheckTlsOptions(TlsFrom(config));
  metrics_.SetCredentials(authenticator_.credentials()->size());
  if (!config.auth.tokens_file.empty()) {
    watcher_ = std::make_unique<auth::TokensWatcher>(config.auth.tokens_file,
                                                     config.http.admin_token, authenticator_,
                                                     metrics_, clock, config.auth.reload_interval);
  }
  const auto& policy = authenticator_.policy();
  spdlog::info("trust: {} credentials; REST reads {}, REST changes {}, reports {}; gRPC {}{}",
               authenticator_.credentials()->size(), policy.reads ? "need a viewer" : "open",
               policy.changes ? "need an admin" : "open",
               policy.reporting ? "need a reporter" : "open",
               config.tls.cert_file.empty() ? "plaintext" : "TLS",
               quotas_.enabled() ? "; per-service quotas on" : "");
}

Trust::~Trust() { Stop(); }

http::Router::Guard Trust::HttpGuard() const {
  const auto& policy = authenticator_.policy();
  if (!policy.reads && !policy.changes) return {};
  return [this](http::Request& request, const std::string& pattern) {
    return http_guard_.Check(request, pattern);
  };
}

std::shared_ptr<grpc::ServerCredentials> Trust::GrpcCredentials() const {
  return auth::GrpcServerCredentials(TlsFrom(config_));
}

void Trust::Start() {
  if (watcher_) watcher_->Start();
}

void Trust::Stop() {
  if (watcher_) watcher_->Stop();
}

}  // namespace fleetgate
