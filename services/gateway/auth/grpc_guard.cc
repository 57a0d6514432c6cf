#include "auth/grpc_guard.h"

#include <grpc/grpc_security_constants.h>

#include "auth/audit.h"

namespace fleetgate::auth {
namespace {

std::string ToString(const grpc::string_ref& ref) { return std::string(ref.data(), ref.size()); }

}  // namespace

PeerCertificate VerifiedPeer(const grpc::ServerContextBase& context) {
  PeerCertificate peer;
  auto auth = context.auth_context();
  if (!auth || !auth->IsPeerAuthenticated()) return peer;
  for (const char* property : {GRPC_PEER_URI_PROPERTY_NAME, GRPC_X509_SAN_PROPERTY_NAME}) {
    for (const auto& value : auth->FindPropertyValues(property)) {
      peer.uri_sans.push_back(ToString(value));
    }
  }
  auto cn = auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
  if (!cn.empty()) peer.common_name = ToString(cn.front());
  return peer;
}

Result<Identity> GrpcGuard::Authenticate(const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  auto header = metadata.find("authorization");
  if (header != metadata.end()) {
    return authenticator_.FromAuthorization(ToString(header->second));
  }
  PeerCertificate peer = VerifiedPeer(context);
  if (!peer.uri_sans.empty() || !peer.common_name.empty()) {
    return authenticator_.FromCertificate(peer);
  }
  return authenticator_.FromAuthorization(std::nullopt);
}

grpc::Status GrpcGuard::Refuse(const Error& error, const std::string& who,
                               const grpc::ServerContextBase& context) const {
  AuditRefusal(&metrics_, {"grpc", "a Reporter call", context.peer(), who, error.Reason()});
  return {error.code == ErrorCode::kPermissionDenied ? grpc::StatusCode::PERMISSION_DENIED
                                                     : grpc::StatusCode::UNAUTHENTICATED,
          error.message};
}

}  // namespace fleetgate::auth
