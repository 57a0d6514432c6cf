#include "auth/authenticator.h"

#include <cctype>

namespace fleetgate::auth {
namespace {

bool StartsWithScheme(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

Error Unauthenticated(std::string message, std::string_view why) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(message), {}, why);
}

Error PermissionDenied(std::string message, std::string_view why) {
  return MakeError(ErrorCode::kPermissionDenied, std::move(message), {}, why);
}

Authenticator::Authenticator(AuthPolicy policy, std::shared_ptr<const CredentialSet> credentials)
    : policy_(policy), credentials_(std::move(credentials)) {}

void Authenticator::Replace(std::shared_ptr<const CredentialSet> credentials) {
  std::lock_guard<std::mutex> lock(mutex_);
  credentials_ = std::move(credentials);
}

std::shared_ptr<const CredentialSet> Authenticator::credentials() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return credentials_;
}

Result<Identity> Authenticator::FromAuthorization(std::optional<std::string_view> header) const {
  if (!header || TrimSpaces(*header).empty()) {
    return Unauthenticated("this needs a credential (Authorization: Bearer <token>)",
                           reason::kMissing);
  }
  const std::string_view value = TrimSpaces(*header);
  const auto set = credentials();
  if (StartsWithScheme(value, "bearer")) {
    const std::string_view token = TrimSpaces(value.substr(7));
    if (token.empty()) return Unauthenticated("the bearer token is empty", reason::kMalformed);
    if (const Identity* found = set->FindBearer(token)) return *found;
    return Unauthenticated("the bearer token is not valid", reason::kUnknown);
  }
  if (StartsWithScheme(value, "basic")) {
    auto decoded = Base64Decode(TrimSpaces(value.substr(6)));
    const size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return Unauthenticated("the Basic credential is not base64 of user:password",
                             reason::kMalformed);
    }
    const std::string_view pair(*decoded);
    if (const Identity* found = set->FindBasic(pair.substr(0, colon), pair.substr(colon + 1))) {
      return *found;
    }
    return Unauthenticated("the username or password is not valid", reason::kUnknown);
  }
  return Unauthenticated("the Authorization scheme must be Bearer or Basic", reason::kMalformed);
}

Result<Identity> Authenticator::FromCertificate(const PeerCertificate& peer) const {
  if (const Identity* found = credentials()->FindCertificate(peer)) return *found;
  return Unauthenticated("the client certificate names no known identity", reason::kUnknown);
}

}  // namespace fleetgate::auth
