#pragma once
// The gRPC channel credentials of a client of fleetgate: plaintext, or TLS with an optional CA
// bundle and client certificate (mTLS). Shared by the Reporter library and fgctl. Reads the PEM
// files when called; throws std::runtime_error naming a file it cannot read.

#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

namespace fleetgate {

struct ChannelSecurity {
  bool tls = false;       // TLS with the system roots even without ca_file
  std::string ca_file;    // PEM CA bundle the gateway's certificate must chain to
  std::string cert_file;  // PEM client certificate chain (mTLS), with key_file
  std::string key_file;
  bool enabled() const { return tls || !ca_file.empty() || !cert_file.empty(); }
};

std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(const ChannelSecurity& security);

// What to check when a call over `security` ended UNAVAILABLE, in the words of the flags fgctl and
// the example share: gRPC names a failed TLS handshake vaguely ("Socket closed" when the gateway
// requires a client certificate). Empty for plaintext.
std::string TlsFailureHint(const ChannelSecurity& security);

}  // namespace fleetgate
