// fgctl: the fleetgate command line. Parses flags, runs the chosen command, prints one line of
// error and exits 1 when it fails (2 for usage errors).

#include <CLI/CLI.hpp>
#include <iostream>

#include "client/fgctl/commands.h"

int main(int argc, char** argv) {
  using fleetgate::fgctl::Globals;
  Globals globals;
  fleetgate::fgctl::Action action;
  CLI::App app{"fgctl: query, manage and report to fleetgate"};
  app.require_subcommand(1);
  app.add_option("--server", globals.server, "REST base URL (default http://localhost:8080)")
      ->envname("FLEETGATE_ADDRESS");
  app.add_option("--grpc-server", globals.grpc_server, "gRPC address (default localhost:50051)")
      ->envname("FLEETGATE_GRPC_ADDRESS");
  app.add_option("--token", globals.token, "admin token for changes")->envname("FLEETGATE_TOKEN");
  app.add_option("--timeout", globals.timeout_seconds, "seconds per request (default 10)");
  app.add_flag("--json", globals.json, "print JSON for scripts instead of tables");
  fleetgate::fgctl::AddFleetCommands(app, globals, action);
  fleetgate::fgctl::AddRuleCommands(app, globals, action);
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
