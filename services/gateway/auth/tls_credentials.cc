#include "auth/tls_credentials.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <fstream>
#include <stdexcept>

namespace fleetgate::auth {
namespace {

void CheckReadable(const std::string& key, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(key + ": cannot read " + path);
}

grpc_ssl_client_certificate_request_type RequestType(const std::string& client_auth) {
  if (client_auth == "optional") return GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  if (client_auth == "require") return GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  return GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
}

}  // namespace

void CheckTlsOptions(const TlsOptions& options) {
  if (options.client_auth != "none" && options.client_auth != "optional" &&
      options.client_auth != "require") {
    throw std::runtime_error("tls.client_auth: must be none, optional or require (got \"" +
                             options.client_auth + "\")");
  }
  if (!options.enabled()) {
    if (!options.key_file.empty() || !options.client_ca_file.empty() ||
        options.client_auth != "none") {
      throw std::runtime_error(
          "tls.cert_file: needed by tls.key_file, tls.client_ca_file and "
          "tls.client_auth");
    }
    return;
  }
  if (options.key_file.empty()) throw std::runtime_error("tls.key_file: needed with tls.cert_file");
  if (options.client_auth != "none" && options.client_ca_file.empty()) {
    throw std::runtime_error("tls.client_ca_file: needed when tls.client_auth is " +
                             options.client_auth);
  }
  CheckReadable("tls.cert_file", options.cert_file);
  CheckReadable("tls.key_file", options.key_file);
  if (!options.client_ca_file.empty()) CheckReadable("tls.client_ca_file", options.client_ca_file);
}

std::shared_ptr<grpc::ServerCredentials> GrpcServerCredentials(const TlsOptions& options) {
  CheckTlsOptions(options);
  if (!options.enabled()) return grpc::InsecureServerCredentials();
  const auto interval =
      static_cast<unsigned int>(std::max<int64_t>(1, options.reload_interval.count()));
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      options.key_file, options.cert_file, options.client_ca_file, interval);
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (!options.client_ca_file.empty()) tls.watch_root_certs();
  tls.set_cert_request_type(RequestType(options.client_auth));
  return grpc::experimental::TlsServerCredentials(tls);
}

}  // namespace fleetgate::auth
