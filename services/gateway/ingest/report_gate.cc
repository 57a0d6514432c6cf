#include "ingest/report_gate.h"

#include "auth/audit.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "metrics/rejection.h"

namespace fleetgate::ingest {

bool ReportGate::credentials_required() const {
  return authenticator_ != nullptr && authenticator_->policy().reporting;
}

bool ReportGate::enabled() const {
  return credentials_required() || (guard_ != nullptr && guard_->enabled()) ||
         (quotas_ != nullptr && quotas_->enabled());
}

std::optional<Refusal> ReportGate::Admit(const std::optional<auth::Identity>& identity,
                                         const std::vector<ServiceEvents>& services,
                                         const Caller& caller) const {
  if (identity) {
    for (const ServiceEvents& entry : services) {
      if (identity->MayReport(entry.service)) continue;
      Error error =
          auth::PermissionDenied("credential \"" + identity->name +
                                     "\" may not report as service \"" + entry.service + "\"",
                                 auth::reason::kService);
      auth::AuditRefusal(auth_metrics_, {caller.transport, "a report as \"" + entry.service + "\"",
                                         caller.peer(), identity->name, error.Reason()});
      return Refusal{std::move(error), std::chrono::milliseconds(0)};
    }
  }
  return Throttle(services);
}

std::optional<Refusal> ReportGate::Throttle(const std::vector<ServiceEvents>& services) const {
  if (quotas_ == nullptr || !quotas_->enabled()) return std::nullopt;
  const auto wait = quotas_->AdmitAll(services);
  if (wait.count() == 0) return std::nullopt;
  std::string names;
  for (const ServiceEvents& entry : services) {
    ingest_metrics_.rejected(metrics::reason::kRateLimited)
        .Increment(static_cast<double>(entry.events));
    if (auth_metrics_ != nullptr) auth_metrics_->RateLimited(entry.service, entry.events);
    names += (names.empty() ? "\"" : ", \"") + entry.service + "\"";
  }
  std::string message = (services.size() == 1 ? "service " : "services ") + names +
                        (services.size() == 1 ? " is" : " are") +
                        " over the quota (rate_limited); retry after " +
                        std::to_string(wait.count()) + "ms";
  return Refusal{MakeError(ErrorCode::kResourceExhausted, std::move(message), {},
                           metrics::reason::kRateLimited),
                 wait};
}

Result<std::optional<auth::Identity>> ReportGate::AdmitHttpCall(
    std::optional<std::string_view> authorization, const std::string& peer) const {
  if (!credentials_required()) return std::optional<auth::Identity>();
  auto found = authenticator_->FromAuthorization(authorization);
  if (!found.ok()) {
    auth::AuditRefusal(auth_metrics_, {"http", "a report", peer, "-", found.error().Reason()});
    return found.error();
  }
  return std::optional<auth::Identity>(std::move(found).value());
}

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
                                    const std::vector<ServiceEvents>& services) const {
  auto refusal = Admit(identity, services, {"grpc", [&context] { return context.peer(); }});
  return refusal ? RefusalStatus(*refusal, context) : grpc::Status::OK;
}

grpc::Status RefusalStatus(const Refusal& refusal, grpc::ServerContextBase& context) {
  if (refusal.error.code == ErrorCode::kPermissionDenied) {
    return {grpc::StatusCode::PERMISSION_DENIED, refusal.error.message};
  }
  context.AddTrailingMetadata(kRetryAfterMetadata, std::to_string(refusal.retry_after.count()));
  google::rpc::RetryInfo retry;
  const int64_t ms = refusal.retry_after.count();
  retry.mutable_retry_delay()->set_seconds(ms / 1000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000 * 1'000'000));
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
  details.set_message(refusal.error.message);
  details.add_details()->PackFrom(retry);
  return {grpc::StatusCode::RESOURCE_EXHAUSTED, refusal.error.message, details.SerializeAsString()};
}

}  // namespace fleetgate::ingest
