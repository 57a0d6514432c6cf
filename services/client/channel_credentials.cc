#include "client/channel_credentials.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fleetgate {
namespace {

std::string ReadPem(const std::string& what, const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the " + what + " " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(const ChannelSecurity& security) {
  if (!security.enabled()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadPem("CA file", security.ca_file);
  ssl.pem_cert_chain = ReadPem("client certificate", security.cert_file);
  ssl.pem_private_key = ReadPem("client key", security.key_file);
  return grpc::SslCredentials(ssl);
}

std::string TlsFailureHint(const ChannelSecurity& security) {
  if (!security.enabled()) return {};
  std::string hint = "if the gateway is up, check that ";
  hint += security.ca_file.empty() ? "the system roots verify" : "--ca-file verifies";
  hint += " its certificate and, if it requires client certificates, that ";
  hint +=
      security.cert_file.empty() ? "--cert-file and --key-file are given" : "it trusts --cert-file";
  return hint;
}

}  // namespace fleetgate
