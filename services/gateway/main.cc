// fleetgate: parses flags and configuration, starts the gateway, waits for SIGTERM/SIGINT.

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "app.h"
#include "config/loader.h"
#include "logging.h"
#include "startup_checks.h"

namespace {

struct Flags {
  fleetgate::config::Sources sources;
  bool check_config = false;
  bool print_config = false;
};

int ParseFlags(int argc, char** argv, Flags& flags) {
  CLI::App app{"fleetgate: observability gateway for microservice fleets"};
  app.set_version_flag("--version", std::string("fleetgate ") + fleetgate::kVersion);
  app.add_option("--config", flags.sources.file, "YAML configuration file");
  for (auto [flag, key] :
       {std::pair{"--grpc-address", "grpc.address"}, std::pair{"--http-address", "http.address"},
        std::pair{"--database", "storage.database"}, std::pair{"--log-level", "log.level"},
        std::pair{"--log-format", "log.format"}}) {
    std::string name = key;
    app.add_option_function<std::string>(
        flag,
        [&flags, name](const std::string& value) { flags.sources.flags.emplace_back(name, value); },
        "overrides " + name);
  }
  app.add_flag("--check-config", flags.check_config, "validate the configuration and exit");
  app.add_flag("--print-config", flags.print_config, "print the effective configuration and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return -1;
}

int WaitForSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (int code = ParseFlags(argc, argv, flags); code >= 0) return code;
  flags.sources.env = fleetgate::config::ProcessEnvironment();
  // --check-config and start-up run the same checks, so one refuses exactly what the other does.
  fleetgate::config::Config config;
  try {
    config = fleetgate::config::Load(flags.sources);
    fleetgate::CheckStartupConfig(config);
  } catch (const fleetgate::config::ConfigError& e) {
    std::cerr << "fleetgate: configuration error: " << e.what() << "\n";
    return 1;
  }
  if (flags.print_config) std::cout << fleetgate::config::RenderYaml(config);
  if (flags.check_config || flags.print_config) return 0;

  fleetgate::ConfigureLogging(config.log.level, config.log.format);
  // Block the stop signals in every thread; this one waits for them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<fleetgate::Gateway> gateway;
  try {
    gateway = std::make_unique<fleetgate::Gateway>(config, fleetgate::SystemClock::Shared());
    gateway->Start();
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  int signal = WaitForSignal();
  spdlog::info("received {}, stopping (at most {} ms)", signal == SIGTERM ? "SIGTERM" : "SIGINT",
               config.shutdown.timeout.count());
  gateway->Stop();
  return 0;
}
