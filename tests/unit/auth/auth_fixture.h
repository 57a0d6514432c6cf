#pragma once
// Tokens-file text shared by the auth tests.

#include <string>

#include "auth/digest.h"

namespace fleetgate::auth::testing {

// Bearer tokens: "checkout-secret" (reporter of checkout, checkout-*), "prom-secret" (viewer),
// "ops-secret" (admin); Basic grafana:s3cret (viewer); client certificate of payments.
inline std::string SampleTokensFile() {
  return "tokens:\n"
         "  - name: checkout\n"
         "    sha256: " +
         ToHex(Sha256("checkout-secret")) +
         "\n"
         "    roles: [reporter]\n"
         "    services: [\"checkout\", \"checkout-*\"]\n"
         "  - name: prometheus\n"
         "    sha256: " +
         ToHex(Sha256("prom-secret")) +
         "\n"
         "    roles: [viewer]\n"
         "  - name: grafana-basic\n"
         "    username: grafana\n"
         "    password_sha256: " +
         ToHex(Sha256("s3cret")) +
         "\n"
         "    roles: [viewer]\n"
         "  - name: ops\n"
         "    token: ops-secret\n"
         "    roles: [admin]\n"
         "  - name: payments-mtls\n"
         "    client_cert: {uri_san: \"spiffe://cluster/ns/pay/sa/payments\"}\n"
         "    roles: [reporter]\n"
         "    services: [\"payments\"]\n";
}

}  // namespace fleetgate::auth::testing
