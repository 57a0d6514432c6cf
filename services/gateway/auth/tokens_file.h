#pragma once
// Parses the tokens file (`auth.tokens_file`, DESIGN.md "Trust"):
//
//   tokens:
//     - name: checkout
//       sha256: <64 hex digits>        # or `token: <clear text>` (accepted with a warning)
//       roles: [reporter]
//       services: ["checkout", "checkout-*"]
//     - name: grafana-basic
//       username: grafana
//       password_sha256: <64 hex digits>
//       roles: [viewer]
//     - name: payments-mtls
//       client_cert: {uri_san: "spiffe://..."}   # or {common_name: ...}
//       roles: [reporter]
//       services: ["payments"]
//
// Every mistake is an Error naming the entry and the field; nothing secret is put in a message.
// Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "auth/credential_set.h"
#include "core/error.h"

namespace fleetgate::auth {

struct ParsedTokens {
  std::vector<Credential> credentials;
  std::vector<std::string> warnings;  // e.g. a token kept in clear text
};

Result<ParsedTokens> ParseTokens(std::string_view yaml_text);

}  // namespace fleetgate::auth
