#include "client/trusted_gateway.h"

#include <fstream>

#include "http_client.h"

namespace fleetgate::testing {

TrustedGateway::TrustedGateway()
    : ca_(MakeCa(dir_.path(), "ca")),
      other_ca_(MakeCa(dir_.path(), "other-ca")),
      server_(MakeCertificate(dir_.path(), "server", ca_, "DNS:localhost,IP:127.0.0.1")),
      client_(MakeCertificate(dir_.path(), "shop-client", ca_, std::string("URI:") + kClientUri)) {
  std::ofstream(dir_.path() + "/tokens.yaml")
      << "tokens:\n"
      << "  - name: shop\n    sha256: " << Sha256Hex(kReporterToken)
      << "\n    roles: [reporter]\n    services: [\"shop\", \"shop-*\"]\n"
      << "  - name: viewer\n    sha256: " << Sha256Hex(kViewerToken) << "\n    roles: [viewer]\n"
      << "  - name: shop-mtls\n    client_cert: {uri_san: \"" << kClientUri
      << "\"}\n    roles: [reporter]\n    services: [\"shop-mtls\"]\n";
}

bool TrustedGateway::Start(const std::string& client_auth) {
  const std::string config = dir_.path() + "/fleetgate.yaml";
  std::ofstream(config) << "auth: {tokens_file: \"" << dir_.path() << "/tokens.yaml\"}\n"
                        << "tls:\n  cert_file: \"" << server_.cert << "\"\n  key_file: \""
                        << server_.key << "\"\n  client_ca_file: \"" << ca_.cert
                        << "\"\n  client_auth: " << client_auth << "\n";
  GatewayProcess::Options options;
  options.args = {"--config", config};
  return gateway_.Start(options);
}

std::string TrustedGateway::Metrics() {
  return HttpRequest("GET", gateway_.http_base() + "/metrics", "",
                     {{"Authorization", std::string("Bearer ") + kViewerToken}})
      .body;
}

}  // namespace fleetgate::testing
