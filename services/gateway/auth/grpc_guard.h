#pragma once
// GrpcGuard: authenticates a Reporter call (metadata `authorization: Bearer <token>`, else the
// client certificate the TLS handshake verified); whether the identity may report as a service is
// ingest::ReportGate's (shared with OTLP/HTTP). Refusals are counted (transport="grpc") and
// audit-logged. With no tokens file every call passes, as before. Thread-safe.

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <string_view>

#include "auth/auth_metrics.h"
#include "auth/authenticator.h"

namespace fleetgate::auth {

class GrpcGuard {
 public:
  GrpcGuard(const Authenticator& authenticator, AuthMetrics& metrics)
      : authenticator_(authenticator), metrics_(metrics) {}

  bool enabled() const { return authenticator_.policy().reporting; }
  // The caller's identity, or UNAUTHENTICATED.
  Result<Identity> Authenticate(const grpc::ServerContextBase& context) const;
  // Counts and logs a refusal and returns it as a gRPC status.
  grpc::Status Refuse(const Error& error, const std::string& who,
                      const grpc::ServerContextBase& context) const;

 private:
  const Authenticator& authenticator_;
  AuthMetrics& metrics_;
};

// What the TLS handshake verified about the peer; empty without TLS or without a certificate.
PeerCertificate VerifiedPeer(const grpc::ServerContextBase& context);

}  // namespace fleetgate::auth
