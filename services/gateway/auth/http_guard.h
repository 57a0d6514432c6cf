#pragma once
// HttpGuard: authorises each REST request by role before its handler runs (installed with
// http::Router::SetGuard). Probes (/health, /health/live, /health/ready) stay open for kubelet;
// GET/HEAD/OPTIONS need a viewer (when a tokens file is configured); every other method needs an
// admin (when a tokens file or http.admin_token is configured), except the report route
// POST /v1/metrics, which admits its callers itself as reporters (ingest::ReportGate, like gRPC).
// Refusals are 401 with WWW-Authenticate (Bearer and Basic) or 403, JSON bodies, counted and
// audit-logged; accepted changes are audit-logged. Thread-safe.

#include <optional>
#include <string>

#include "auth/auth_metrics.h"
#include "auth/authenticator.h"
#include "http/message.h"

namespace fleetgate::auth {

class HttpGuard {
 public:
  HttpGuard(const Authenticator& authenticator, AuthMetrics& metrics)
      : authenticator_(authenticator), metrics_(metrics) {}

  std::optional<http::Response> Check(http::Request& request, const std::string& pattern) const;

 private:
  http::Response Refuse(const http::Request& request, const Error& error,
                        const std::string& who) const;

  const Authenticator& authenticator_;
  AuthMetrics& metrics_;
};

// True for the kubelet probes, which never need a credential.
bool IsOpenRoute(const std::string& pattern);
// True for the report routes (OTLP/HTTP), admitted by ingest::ReportGate rather than by role.
bool IsReportRoute(const std::string& pattern);

// A refusal as the HTTP answer: 401 (unauthenticated) with WWW-Authenticate for Bearer and Basic,
// or 403 (permission_denied), with fleetgate's JSON error body.
http::Response RefusalResponse(const Error& error);

}  // namespace fleetgate::auth
