#pragma once
// ReportGate: what a Reporter call passes before its batches are applied (DESIGN.md "Trust"):
// a known credential (bearer metadata or verified client certificate), the right to report as
// each batch's service, and that service's quota. A throttled batch is refused whole with
// RESOURCE_EXHAUSTED and trailing metadata `retry-after-ms`; its events are counted as
// rejected with reason `rate_limited` and per service. Thread-safe.

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <optional>
#include <string_view>

#include "auth/grpc_guard.h"
#include "auth/service_quotas.h"
#include "metrics/self_metrics.h"

namespace fleetgate::ingest {

// The trailing metadata key that tells a throttled client how long to wait, in milliseconds.
inline constexpr char kRetryAfterMetadata[] = "retry-after-ms";

class ReportGate {
 public:
  // Either pointer may be null: no credential check / no quotas.
  ReportGate(const auth::GrpcGuard* guard, auth::ServiceQuotas* quotas,
             auth::AuthMetrics* auth_metrics, const metrics::IngestMetrics& ingest_metrics)
      : guard_(guard),
        quotas_(quotas),
        auth_metrics_(auth_metrics),
        ingest_metrics_(ingest_metrics) {}

  // At the start of a call: the caller's identity (nullopt when credentials are not required),
  // or the UNAUTHENTICATED status to finish the call with.
  grpc::Status AdmitCall(const grpc::ServerContextBase& context,
                         std::optional<auth::Identity>* identity) const;
  // Before each batch: PERMISSION_DENIED for a service the identity does not cover,
  // RESOURCE_EXHAUSTED (and `retry-after-ms` added to the trailers) over the quota.
  grpc::Status AdmitBatch(grpc::ServerContextBase& context,
                          const std::optional<auth::Identity>& identity, std::string_view service,
                          size_t events) const;

 private:
  const auth::GrpcGuard* guard_;
  auth::ServiceQuotas* quotas_;
  auth::AuthMetrics* auth_metrics_;
  const metrics::IngestMetrics& ingest_metrics_;
};

}  // namespace fleetgate::ingest
