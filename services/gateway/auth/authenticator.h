#pragma once
// Authenticator: turns what a request presents (an Authorization header, a verified client
// certificate) into an Identity, against the current CredentialSet. The set is replaced whole when
// the tokens file changes. Thread-safe: lookups run concurrently with Replace.

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "auth/credential_set.h"
#include "core/error.h"

namespace fleetgate::auth {

// Machine-readable reasons of a refusal (label `reason` of fleetgate_auth_failures_total).
namespace reason {
inline constexpr std::string_view kMissing = "missing_credential";
inline constexpr std::string_view kMalformed = "malformed_credential";
inline constexpr std::string_view kUnknown = "unknown_credential";
inline constexpr std::string_view kRole = "role_not_allowed";
inline constexpr std::string_view kService = "service_not_allowed";
}  // namespace reason

struct AuthPolicy {
  bool reads = false;      // GET routes and /metrics need a viewer (a tokens file is configured)
  bool changes = false;    // REST changes need an admin (a tokens file or http.admin_token)
  bool reporting = false;  // the Reporter RPCs need a reporter (a tokens file is configured)
};

class Authenticator {
 public:
  Authenticator(AuthPolicy policy, std::shared_ptr<const CredentialSet> credentials);

  const AuthPolicy& policy() const { return policy_; }
  void Replace(std::shared_ptr<const CredentialSet> credentials);
  std::shared_ptr<const CredentialSet> credentials() const;

  // `Bearer <token>` or `Basic <base64 user:password>`, the scheme in any case. kUnauthenticated
  // with a reason from `reason::` when absent, malformed or unknown.
  Result<Identity> FromAuthorization(std::optional<std::string_view> header) const;
  Result<Identity> FromCertificate(const PeerCertificate& peer) const;

 private:
  const AuthPolicy policy_;
  mutable std::mutex mutex_;
  std::shared_ptr<const CredentialSet> credentials_;
};

// kUnauthenticated with `why` as reason and message.
Error Unauthenticated(std::string message, std::string_view why);
// kPermissionDenied.
Error PermissionDenied(std::string message, std::string_view why);

}  // namespace fleetgate::auth
