#include "auth/identity.h"

#include "auth/glob.h"

namespace fleetgate::auth {

bool Identity::Has(Role role) const {
  // An admin may read everything a viewer may.
  if (role == Role::kViewer && (roles & static_cast<uint8_t>(Role::kAdmin)) != 0) return true;
  return (roles & static_cast<uint8_t>(role)) != 0;
}

bool Identity::MayReport(std::string_view service) const {
  if (!Has(Role::kReporter)) return false;
  for (const auto& glob : services) {
    if (GlobMatch(glob, service)) return true;
  }
  return false;
}

bool ParseRole(std::string_view text, Role* role) {
  if (text == "reporter") {
    *role = Role::kReporter;
  } else if (text == "viewer") {
    *role = Role::kViewer;
  } else if (text == "admin") {
    *role = Role::kAdmin;
  } else {
    return false;
  }
  return true;
}

}  // namespace fleetgate::auth
