#pragma once
// The real fleetgate with trust switched on, for the clients' trust-flag tests: TLS on the gRPC
// port with certificates made by openssl, a tokens file (a reporter token for "shop" and
// "shop-*", a viewer token, and a client-certificate identity for "shop-mtls"), and
// `tls.client_auth` as given. Not thread-safe; one per test.

#include <map>
#include <string>

#include "gateway_process.h"
#include "trust_material.h"

namespace fleetgate::testing {

inline constexpr char kReporterToken[] = "shop-reporter-secret";
inline constexpr char kViewerToken[] = "viewer-secret";
inline constexpr char kClientUri[] = "spiffe://cluster/ns/shop/sa/shop-mtls";

class TrustedGateway {
 public:
  // Makes the material (CA, another CA, server and client certificates); ok() says if it worked.
  TrustedGateway();
  bool ok() const { return !client_.cert.empty() && !other_ca_.cert.empty(); }

  // Starts the gateway with `client_auth` ("none", "optional" or "require").
  bool Start(const std::string& client_auth);

  GatewayProcess& process() { return gateway_; }
  const KeyAndCertificate& ca() const { return ca_; }
  const KeyAndCertificate& other_ca() const { return other_ca_; }  // did not sign the server
  const KeyAndCertificate& client() const { return client_; }      // URI SAN kClientUri
  // The /metrics text, read with the viewer token.
  std::string Metrics();

 private:
  TempDir dir_;
  KeyAndCertificate ca_, other_ca_, server_, client_;
  GatewayProcess gateway_;
};

}  // namespace fleetgate::testing
