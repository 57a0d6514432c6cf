#include "auth/audit.h"

#include <spdlog/spdlog.h>

#include "core/log_fields.h"

namespace fleetgate::auth {

void AuditRefusal(AuthMetrics* metrics, const Refused& refused) {
  if (metrics != nullptr) metrics->Failure(refused.transport, refused.reason);
  LogFields fields{{"audit", "refused"},   {"transport", std::string(refused.transport)},
                   {"what", refused.what}, {"credential", refused.credential},
                   {"peer", refused.peer}, {"reason", std::string(refused.reason)}};
  spdlog::warn("audit: refused {} from {} over {} (credential \"{}\"): {}", refused.what,
               refused.peer, refused.transport, refused.credential, refused.reason);
}

}  // namespace fleetgate::auth
