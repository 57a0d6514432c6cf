#pragma once
// Identity: who a request is from once a credential was recognised, and what it may do. Roles
// are `reporter` (report as the services its globs cover), `viewer` (read routes and /metrics)
// and `admin` (viewer and every change). A plain value; not synchronised.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fleetgate::auth {

enum class Role : uint8_t { kReporter = 1, kViewer = 2, kAdmin = 4 };

struct Identity {
  std::string name;  // the credential's name: logged and counted, never the secret
  uint8_t roles = 0;
  std::vector<std::string> services;  // globs of Source.service a reporter may report as

  bool Has(Role role) const;
  // A reporter whose globs cover `service`.
  bool MayReport(std::string_view service) const;
};

// "reporter", "viewer", "admin"; false for anything else.
bool ParseRole(std::string_view text, Role* role);

}  // namespace fleetgate::auth
