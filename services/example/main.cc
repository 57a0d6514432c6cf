// fleetgate-example: a pretend service reporting to fleetgate until SIGTERM/SIGINT. It says on
// stderr when its reports fail (refused credential, TLS handshake, quota) and exits 1 when the
// gateway refused events or the final flush did not complete.

#include <CLI/CLI.hpp>
#include <csignal>
#include <ctime>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "client/channel_credentials.h"
#include "client/report_client.h"
#include "example/request_simulator.h"

namespace {

sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

// Waits for a stop signal; meanwhile prints each new failure of the reports once.
void WaitForStop(const sigset_t& signals, const fleetgate::client::ReportClient& reporter) {
  const timespec poll{1, 0};
  std::string said;
  while (sigtimedwait(&signals, nullptr, &poll) < 0) {
    const std::string error = reporter.stats().last_error;
    if (error.empty() || error == said) continue;
    const fleetgate::ReporterOptions& options = reporter.options();
    const std::string hint = error.rfind("UNAVAILABLE", 0) == 0
                                 ? fleetgate::TlsFailureHint({options.tls, options.ca_file,
                                                              options.cert_file, options.key_file})
                                 : std::string();
    std::cerr << "fleetgate-example: reporting to " << options.target << " failed: " << error
              << (hint.empty() ? "" : " (" + hint + ")") << "\n";
    said = error;
  }
}

// Stops the simulation, flushes, prints the totals; the exit code: 1 if anything was refused or
// could not be delivered.
int Finish(fleetgate::example::RequestSimulator& simulator,
           fleetgate::client::ReportClient& reporter) {
  simulator.Stop();
  const bool flushed = reporter.Flush(std::chrono::seconds(5));
  const fleetgate::ReporterStats stats = reporter.stats();
  std::cerr << "fleetgate-example: stopped after " << simulator.handled() << " requests; "
            << stats.events_acknowledged << " events acknowledged, " << stats.events_dropped
            << " dropped, " << stats.events_rejected << " rejected"
            << (flushed ? "" : " (final flush timed out)") << "\n";
  const bool failed = !flushed || stats.events_rejected > 0;
  if (failed && !stats.last_error.empty()) {
    std::cerr << "fleetgate-example: last error: " << stats.last_error << "\n";
  }
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  fleetgate::ReporterOptions options;
  options.service = "example";
  options.instance = "example-1";
  fleetgate::example::SimulatorOptions simulation;
  double flush_seconds = 1;
  CLI::App app{"fleetgate-example: simulates a service that reports to fleetgate"};
  // Not FLEETGATE_GRPC_ADDRESS: that is the gateway's own listen address (grpc.address).
  app.add_option("--gateway", options.target, "fleetgate gRPC target (default localhost:50051)")
      ->envname("FLEETGATE_TARGET");
  app.add_option("--service", options.service, "service name (default example)");
  app.add_option("--instance", options.instance, "instance name (default example-1)");
  app.add_option("--version", options.version, "version to report");
  app.add_option("--workers", simulation.workers, "concurrent request handlers (default 4)");
  app.add_option("--error-ratio", simulation.error_ratio, "share of 500s (default 0.02)");
  app.add_option("--flush-interval", flush_seconds, "seconds between batches (default 1)");
  app.add_option("--token", options.token, "reporter bearer token")->envname("FLEETGATE_TOKEN");
  app.add_option("--ca-file", options.ca_file, "PEM CA bundle: report over TLS")
      ->envname("FLEETGATE_CA_FILE");
  app.add_option("--cert-file", options.cert_file, "PEM client certificate (mTLS)")
      ->envname("FLEETGATE_CERT_FILE");
  app.add_option("--key-file", options.key_file, "PEM key of --cert-file")
      ->envname("FLEETGATE_KEY_FILE");
  app.add_flag("--tls", options.tls, "report over TLS with the system CA roots");
  CLI11_PARSE(app, argc, argv);
  options.flush_interval = std::chrono::milliseconds(static_cast<int64_t>(flush_seconds * 1000));

  // Block the stop signals in every thread; this one waits for them.
  sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::unique_ptr<fleetgate::client::ReportClient> reporter;
  try {
    reporter = std::make_unique<fleetgate::client::ReportClient>(options);
  } catch (const std::runtime_error& e) {  // an unreadable PEM file
    std::cerr << "fleetgate-example: " << e.what() << "\n";
    return 1;
  }
  fleetgate::example::RequestSimulator simulator(*reporter, simulation);
  simulator.Start();
  std::cerr << "fleetgate-example: " << options.service << "/" << options.instance
            << " reporting to " << options.target << "\n";
  WaitForStop(signals, *reporter);
  return Finish(simulator, *reporter);
}
