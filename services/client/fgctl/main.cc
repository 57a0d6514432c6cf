// fgctl: the fleetgate command line. Parses flags, runs the chosen command, prints one line of
// error and exits 1 when it fails (2 for usage errors).

#include <grpc/support/log.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "client/fgctl/commands.h"

namespace {

// gRPC's own log lines (a failed TLS handshake, …) would break the one-line error; the status fgctl
// prints carries their reason.
void DiscardGrpcLog(gpr_log_func_args*) {}

}  // namespace

int main(int argc, char** argv) {
  gpr_set_log_function(DiscardGrpcLog);
  using fleetgate::fgctl::Globals;
  Globals globals;
  fleetgate::fgctl::Action action;
  CLI::App app{"fgctl: query, manage and report to fleetgate"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags also after the subcommand: fgctl services --json
  app.add_option("--server", globals.server, "REST base URL (default http://localhost:8080)")
      ->envname("FLEETGATE_URL");
  // Not FLEETGATE_GRPC_ADDRESS: that is the gateway's own listen address (grpc.address).
  app.add_option("--grpc-server", globals.grpc_server, "gRPC target (default localhost:50051)")
      ->envname("FLEETGATE_TARGET");
  app.add_option("--token", globals.token, "bearer token (viewer, admin or reporter)")
      ->envname("FLEETGATE_TOKEN");
  app.add_option("--ca-file", globals.ca_file, "PEM CA bundle for TLS (gRPC and https://)")
      ->envname("FLEETGATE_CA_FILE");
  app.add_option("--cert-file", globals.cert_file, "PEM client certificate for gRPC mTLS")
      ->envname("FLEETGATE_CERT_FILE");
  app.add_option("--key-file", globals.key_file, "PEM key of --cert-file")
      ->envname("FLEETGATE_KEY_FILE");
  app.add_flag("--tls", globals.tls, "gRPC over TLS with the system CA roots");
  app.add_option("--timeout", globals.timeout_seconds, "seconds per request (default 10)");
  app.add_flag("--json", globals.json, "print JSON for scripts instead of tables");
  fleetgate::fgctl::AddFleetCommands(app, globals, action);
  fleetgate::fgctl::AddRuleCommands(app, globals, action);
  fleetgate::fgctl::AddAlertCommands(app, globals, action);
  fleetgate::fgctl::AddMaintenanceCommands(app, globals, action);
  fleetgate::fgctl::AddReportCommands(app, globals, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!action) return 2;
  if (auto error = action(std::cout)) {
    std::cout.flush();
    std::cerr << "fgctl: " << *error << "\n";
    return 1;
  }
  return 0;
}
