#pragma once
// The audit line of a refused call or request, in one place for the REST guard, the gRPC guard
// and the report gate: counted in fleetgate_auth_failures_total{transport,reason} and logged as
// one "audit: refused" line whose facts are structured fields (audit=refused, transport, what,
// credential, peer, reason), as accepted changes are. Nothing secret goes into it.

#include <string>
#include <string_view>

#include "auth/auth_metrics.h"

namespace fleetgate::auth {

struct Refused {
  std::string_view transport;  // grpc or http
  std::string what;            // "GET /api/v1/services", "a Reporter call", ...
  std::string peer;
  std::string credential;  // its name, "-" when none was recognised
  std::string_view reason;
};

// `metrics` may be null (nothing counted).
void AuditRefusal(AuthMetrics* metrics, const Refused& refused);

}  // namespace fleetgate::auth
