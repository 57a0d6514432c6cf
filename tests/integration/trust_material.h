#pragma once
// Credentials for the trust integration tests: certificates for TLS and mTLS made by the real
// `openssl` command line in a test's temp directory (EC P-256, valid two days), and the SHA-256
// of a token as the tokens file stores it. Not thread-safe; one directory per test.

#include <string>
#include <string_view>

namespace fleetgate::testing {

struct KeyAndCertificate {
  std::string key;   // PEM private key file
  std::string cert;  // PEM certificate file
};

// A self-signed CA named `name` in `dir`; empty paths if openssl failed.
KeyAndCertificate MakeCa(const std::string& dir, const std::string& name);
// A certificate for `name` signed by `ca`, with the subjectAltName `san` (for example
// "DNS:localhost,IP:127.0.0.1" for a server, "URI:spiffe://cluster/ns/shop/sa/shop" for a
// client); empty paths if openssl failed.
KeyAndCertificate MakeCertificate(const std::string& dir, const std::string& name,
                                  const KeyAndCertificate& ca, const std::string& san);

// Lower-case hex SHA-256 of `token`: the `sha256:` of a tokens file entry.
std::string Sha256Hex(std::string_view token);

}  // namespace fleetgate::testing
