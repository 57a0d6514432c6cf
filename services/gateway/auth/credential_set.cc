#include "auth/credential_set.h"

namespace fleetgate::auth {

CredentialSet::CredentialSet(std::vector<Credential> credentials)
    : credentials_(std::move(credentials)) {}

const Identity* CredentialSet::FindBearer(std::string_view token) const {
  const Digest presented = Sha256(token);
  const Identity* found = nullptr;
  for (const auto& credential : credentials_) {
    if (credential.kind != Credential::Kind::kBearer) continue;
    // No early exit: the time taken does not tell which entry matched.
    if (ConstantTimeEquals(presented, credential.secret_sha256) && found == nullptr) {
      found = &credential.identity;
    }
  }
  return found;
}

const Identity* CredentialSet::FindBasic(std::string_view username,
                                         std::string_view password) const {
  const Digest presented = Sha256(password);
  const Identity* found = nullptr;
  for (const auto& credential : credentials_) {
    if (credential.kind != Credential::Kind::kBasic) continue;
    bool user = ConstantTimeEquals(username, credential.username);
    bool secret = ConstantTimeEquals(presented, credential.secret_sha256);
    if (user && secret && found == nullptr) found = &credential.identity;
  }
  return found;
}

const Identity* CredentialSet::FindCertificate(const PeerCertificate& peer) const {
  for (const auto& credential : credentials_) {
    if (credential.kind != Credential::Kind::kClientCert) continue;
    if (!credential.uri_san.empty()) {
      for (const auto& san : peer.uri_sans) {
        if (san == credential.uri_san) return &credential.identity;
      }
    } else if (!credential.common_name.empty() && credential.common_name == peer.common_name) {
      return &credential.identity;
    }
  }
  return nullptr;
}

Credential AdminTokenCredential(std::string_view token) {
  Credential credential;
  credential.kind = Credential::Kind::kBearer;
  credential.identity.name = "http.admin_token";
  credential.identity.roles = static_cast<uint8_t>(Role::kAdmin);
  credential.secret_sha256 = Sha256(token);
  return credential;
}

}  // namespace fleetgate::auth
