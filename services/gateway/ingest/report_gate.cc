#include "ingest/report_gate.h"

#include "metrics/rejection.h"

namespace fleetgate::ingest {

grpc::Status ReportGate::AdmitCall(const grpc::ServerContextBase& context,
                                   std::optional<auth::Identity>* identity) const {
  identity->reset();
  if (guard_ == nullptr || !guard_->enabled()) return grpc::Status::OK;
  auto found = guard_->Authenticate(context);
  if (!found.ok()) return guard_->Refuse(found.error(), "-", context);
  *identity = std::move(found).value();
  return grpc::Status::OK;
}

grpc::Status ReportGate::AdmitBatch(grpc::ServerContextBase& context,
                                    const std::optional<auth::Identity>& identity,
                                    std::string_view service, size_t events) const {
  if (identity && guard_ != nullptr) {
    grpc::Status status = guard_->MayReport(*identity, service, context);
    if (!status.ok()) return status;
  }
  if (quotas_ == nullptr || !quotas_->enabled()) return grpc::Status::OK;
  const auto wait = quotas_->Admit(service, events);
  if (wait.count() == 0) return grpc::Status::OK;
  ingest_metrics_.rejected(metrics::reason::kRateLimited).Increment(static_cast<double>(events));
  if (auth_metrics_ != nullptr) auth_metrics_->RateLimited(service, events);
  context.AddTrailingMetadata(kRetryAfterMetadata, std::to_string(wait.count()));
  return {grpc::StatusCode::RESOURCE_EXHAUSTED,
          "service \"" + std::string(service) +
              "\" is over its quota (rate_limited); retry after " + std::to_string(wait.count()) +
              "ms"};
}

}  // namespace fleetgate::ingest
