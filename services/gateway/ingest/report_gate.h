#pragma once
// ReportGate: what a report passes before anything of it is applied (DESIGN.md "Trust"), the one
// admission for every way of reporting (Reporter's two RPCs, OTLP/gRPC, OTLP/HTTP): a known
// credential (bearer token or verified client certificate), the right to report as each of the
// report's services, and each service's quota. A throttled report is refused whole; its events
// are counted as rejected with reason `rate_limited` and per service, and the caller learns when
// to retry (gRPC: trailing metadata `retry-after-ms`). Thread-safe.

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/authenticator.h"
#include "auth/grpc_guard.h"
#include "auth/service_quotas.h"
#include "core/error.h"
#include "metrics/self_metrics.h"

namespace fleetgate::ingest {

// The trailing metadata key that tells a throttled client how long to wait, in milliseconds.
inline constexpr char kRetryAfterMetadata[] = "retry-after-ms";

using auth::ServiceEvents;

// Who is reporting, for the failure counter (transport "grpc" | "http") and the audit log. The
// peer address is asked for only when a refusal is logged.
struct Caller {
  std::string_view transport;
  std::function<std::string()> peer;
};

// Why a report was refused: kPermissionDenied (reason service_not_allowed) or kResourceExhausted
// (reason rate_limited, with retry_after > 0).
struct Refusal {
  Error error;
  std::chrono::milliseconds retry_after{0};
};

// A refusal as the gRPC status to finish the call with. Over the quota: RESOURCE_EXHAUSTED with
// the delay twice, as `retry-after-ms` in the trailers (fleetgate's clients) and as a
// google.rpc.RetryInfo in the status details (grpc-status-details-bin), which is what tells an
// OpenTelemetry exporter that this RESOURCE_EXHAUSTED is worth retrying, and when.
grpc::Status RefusalStatus(const Refusal& refusal, grpc::ServerContextBase& context);

class ReportGate {
 public:
  // `guard` and `authenticator` null: no credential check; `quotas` null: no quotas.
  ReportGate(const auth::GrpcGuard* guard, const auth::Authenticator* authenticator,
             auth::ServiceQuotas* quotas, auth::AuthMetrics* auth_metrics,
             const metrics::IngestMetrics& ingest_metrics)
      : guard_(guard),
        authenticator_(authenticator),
        quotas_(quotas),
        auth_metrics_(auth_metrics),
        ingest_metrics_(ingest_metrics) {}

  // True when reports need a reporter credential (a tokens file is configured).
  bool credentials_required() const;
  // False when every report is admitted (no credentials required, no quotas): nothing to ask.
  bool enabled() const;

  // The admission itself, transport-independent: the identity (nullopt when credentials are not
  // required) must cover every service (else PERMISSION_DENIED, nothing taken from any quota),
  // then every service's quota must admit its events at once (else RESOURCE_EXHAUSTED with the
  // longest wait, nothing taken, and every event of the report counted as rate_limited under its
  // own service). nullopt: admitted, the events taken from the quotas.
  std::optional<Refusal> Admit(const std::optional<auth::Identity>& identity,
                               const std::vector<ServiceEvents>& services,
                               const Caller& caller) const;

  // HTTP: the caller's identity from its Authorization header (nullopt when credentials are not
  // required), or the kUnauthenticated Error (counted with transport "http" and logged).
  Result<std::optional<auth::Identity>> AdmitHttpCall(std::optional<std::string_view> authorization,
                                                      const std::string& peer) const;

  // gRPC: at the start of a call, the caller's identity (nullopt when credentials are not
  // required), or the UNAUTHENTICATED status to finish the call with.
  grpc::Status AdmitCall(const grpc::ServerContextBase& context,
                         std::optional<auth::Identity>* identity) const;
  // gRPC: Admit for `services` as a status; over the quota, `retry-after-ms` is added to the
  // trailers.
  grpc::Status AdmitBatch(grpc::ServerContextBase& context,
                          const std::optional<auth::Identity>& identity,
                          const std::vector<ServiceEvents>& services) const;
  grpc::Status AdmitBatch(grpc::ServerContextBase& context,
                          const std::optional<auth::Identity>& identity, std::string_view service,
                          size_t events) const {
    return AdmitBatch(context, identity, {{std::string(service), events}});
  }

 private:
  std::optional<Refusal> Throttle(const std::vector<ServiceEvents>& services) const;

  const auth::GrpcGuard* guard_;
  const auth::Authenticator* authenticator_;
  auth::ServiceQuotas* quotas_;
  auth::AuthMetrics* auth_metrics_;
  const metrics::IngestMetrics& ingest_metrics_;
};

}  // namespace fleetgate::ingest
