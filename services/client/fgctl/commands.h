#pragma once
// fgctl's subcommands. Each Add* function registers its commands on `app`; the one the user picks
// stores its work in `action`, which main runs after parsing. An action returns an error (one line)
// or nullopt, and writes its output to `out`. Not thread-safe; one invocation per process.

#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "client/fgctl/format.h"
#include "client/fgctl/rest_client.h"

namespace fleetgate::fgctl {

struct Globals {
  std::string server = "http://localhost:8080";  // REST (--server, FLEETGATE_URL)
  std::string grpc_server = "localhost:50051";   // gRPC (--grpc-server, FLEETGATE_TARGET)
  std::string token;      // bearer token for REST and gRPC (--token, FLEETGATE_TOKEN)
  std::string ca_file;    // CA bundle for TLS (--ca-file, FLEETGATE_CA_FILE)
  std::string cert_file;  // client certificate for mTLS (--cert-file, FLEETGATE_CERT_FILE)
  std::string key_file;   // its key (--key-file, FLEETGATE_KEY_FILE)
  bool tls = false;       // gRPC over TLS with the system roots (--tls)
  bool json = false;      // print JSON instead of tables
  double timeout_seconds = 10;
  std::chrono::milliseconds timeout() const {
    return std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000));
  }
  RestClient rest() const { return RestClient(server, token, timeout(), ca_file); }
};

using Error = std::optional<std::string>;
using Action = std::function<Error(std::ostream& out)>;

// status, services, service, history, availability
void AddFleetCommands(CLI::App& app, const Globals& globals, Action& action);
// rules list|get|apply|delete
void AddRuleCommands(CLI::App& app, const Globals& globals, Action& action);
// alerts, alerts history
void AddAlertCommands(CLI::App& app, const Globals& globals, Action& action);
// maintenance set|clear, deregister
void AddMaintenanceCommands(CLI::App& app, const Globals& globals, Action& action);
// report counter|gauge|observe|health
void AddReportCommands(CLI::App& app, const Globals& globals, Action& action);

// Prints `body` as one line of JSON (--json) and returns no error.
inline Error PrintJson(std::ostream& out, const nlohmann::json& body) {
  out << body.dump() << "\n";
  return std::nullopt;
}

}  // namespace fleetgate::fgctl
