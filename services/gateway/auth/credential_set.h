#pragma once
// CredentialSet: the credentials fleetgate knows at one moment (from the tokens file and
// `http.admin_token`), and the lookups that turn a presented secret or a peer certificate into an
// Identity. Immutable once built; shared read-only between threads (a reload builds a new set).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/digest.h"
#include "auth/identity.h"

namespace fleetgate::auth {

struct Credential {
  enum class Kind { kBearer, kBasic, kClientCert };
  Kind kind = Kind::kBearer;
  Identity identity;
  Digest secret_sha256{};   // bearer: SHA-256 of the token; basic: of the password
  std::string username;     // basic
  std::string uri_san;      // client certificate: a URI subject alternative name, or
  std::string common_name;  // its subject common name
};

// What a TLS peer presented, as the transport verified it.
struct PeerCertificate {
  std::vector<std::string> uri_sans;
  std::string common_name;
};

class CredentialSet {
 public:
  CredentialSet() = default;
  explicit CredentialSet(std::vector<Credential> credentials);

  // The bearer credential whose token this is. Every bearer entry is compared, in constant time.
  const Identity* FindBearer(std::string_view token) const;
  const Identity* FindBasic(std::string_view username, std::string_view password) const;
  const Identity* FindCertificate(const PeerCertificate& peer) const;

  size_t size() const { return credentials_.size(); }
  const std::vector<Credential>& credentials() const { return credentials_; }

 private:
  std::vector<Credential> credentials_;
};

// The credential `http.admin_token` stands for: one admin bearer token named "http.admin_token".
Credential AdminTokenCredential(std::string_view token);

}  // namespace fleetgate::auth
