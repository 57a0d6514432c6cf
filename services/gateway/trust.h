#pragma once
// Trust wires fleetgate::auth from the configuration (DESIGN.md "Trust"): the credentials
// (tokens file and http.admin_token) and their watcher, the REST guard, the Reporter's gate
// (credential, service, quota) and the gRPC port's TLS credentials. Everything is off by default.
// Built and started from the Gateway's thread; the guards it hands out are thread-safe.

#include <grpcpp/security/server_credentials.h>
#include <prometheus/registry.h>

#include <memory>

#include "auth/auth_metrics.h"
#include "auth/authenticator.h"
#include "auth/grpc_guard.h"
#include "auth/http_guard.h"
#include "auth/service_quotas.h"
#include "auth/tokens_watcher.h"
#include "config/config.h"
#include "core/clock.h"
#include "http/router.h"
#include "ingest/report_gate.h"
#include "metrics/self_metrics.h"

namespace fleetgate {

class Trust {
 public:
  // Throws std::runtime_error when the tokens file or the TLS files are unusable (start-up).
  Trust(const config::Config& config, prometheus::Registry& self_registry,
        const metrics::IngestMetrics& ingest_metrics, std::shared_ptr<const Clock> clock);
  ~Trust();

  const ingest::ReportGate* report_gate() const { return &report_gate_; }
  // Empty when REST needs no credential.
  http::Router::Guard HttpGuard() const;
  std::shared_ptr<grpc::ServerCredentials> GrpcCredentials() const;

  void Start();  // the tokens-file watcher
  void Stop();

 private:
  const config::Config& config_;
  auth::AuthMetrics metrics_;
  auth::Authenticator authenticator_;
  auth::HttpGuard http_guard_;
  auth::GrpcGuard grpc_guard_;
  auth::ServiceQuotas quotas_;
  ingest::ReportGate report_gate_;
  std::unique_ptr<auth::TokensWatcher> watcher_;  // null without a tokens file
};

}  // namespace fleetgate
