#pragma once
// The server credentials of the gRPC port: plaintext, or TLS (and mTLS) from files that gRPC's
// FileWatcherCertificateProvider re-reads every `reload_interval`, so a rotated certificate is
// served without a restart. Start-up only; throws std::runtime_error on a bad configuration.

#include <grpcpp/security/server_credentials.h>

#include <chrono>
#include <memory>
#include <string>

namespace fleetgate::auth {

struct TlsOptions {
  std::string cert_file;             // PEM certificate chain; empty: plaintext
  std::string key_file;              // PEM private key
  std::string client_ca_file;        // PEM bundle that client certificates must chain to
  std::string client_auth = "none";  // none | optional | require
  std::chrono::seconds reload_interval{10};

  bool enabled() const { return !cert_file.empty(); }
};

// Checks the combination (cert and key together; a CA for optional/require; files readable).
void CheckTlsOptions(const TlsOptions& options);
std::shared_ptr<grpc::ServerCredentials> GrpcServerCredentials(const TlsOptions& options);

}  // namespace fleetgate::auth
