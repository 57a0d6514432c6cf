// fleetgate-bench: drives StreamReport or unary Report load at a gateway from a simulated fleet,
// prints progress once per second to stderr and one JSON result line to stdout.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "load_connection.h"
#include "otlp_connection.h"
#include "pacer.h"
#include "workload.h"

namespace fleetgate::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchOptions {
  std::string target;
  std::string mode = "stream";
  double duration = 10;
  size_t connections = 2;
  size_t window = 0;  // 0: 4 batches per stream, 64 calls per unary connection
  bool json = false;
  std::string token;
  std::string ca_file;
  double rate = 0;  // --rate: events/s over all connections; 0: closed loop
  WorkloadShape shape;
};

void PrintProgress(const LoadCounters& counters, double seconds, uint64_t last_events,
                   uint64_t last_rpcs) {
  std::fprintf(stderr, "[%5.1fs] events %llu (+%llu/s)  rpcs +%llu/s  errors %llu  p99 %.2f ms\n",
               seconds, static_cast<unsigned long long>(counters.events.load()),
               static_cast<unsigned long long>(counters.events.load() - last_events),
               static_cast<unsigned long long>(counters.rpcs.load() - last_rpcs),
               static_cast<unsigned long long>(counters.errors()),
               counters.latency.PercentileMs(0.99));
}

// Lets the connections run for the duration, reporting once per second.
void RunFor(std::chrono::duration<double> duration, const LoadCounters& counters,
            Clock::time_point start) {
  auto end = start + std::chrono::duration_cast<Clock::duration>(duration);
  auto next_report = start + std::chrono::seconds(1);
  uint64_t last_events = 0, last_rpcs = 0;
  while (Clock::now() < end) {
    std::this_thread::sleep_until(std::min(end, next_report));
    if (Clock::now() < next_report) continue;
    PrintProgress(counters, std::chrono::duration<double>(Clock::now() - start).count(),
                  last_events, last_rpcs);
    last_events = counters.events.load();
    last_rpcs = counters.rpcs.load();
    next_report += std::chrono::seconds(1);
  }
}

nlohmann::ordered_json Result(const BenchOptions& options, const LoadCounters& counters,
                              double seconds) {
  uint64_t events = counters.events.load();
  uint64_t rpcs = counters.rpcs.load();
  return {{"mode", options.mode},
          {"events", events},
          {"seconds", seconds},
          {"events_per_second", events / seconds},
          {"rpcs_per_second", rpcs / seconds},
          {"latency_ms",
           {{"p50", counters.latency.PercentileMs(0.50)},
            {"p99", counters.latency.PercentileMs(0.99)}}},
          {"errors", counters.errors()},
          {"failed_rpcs", counters.failed_rpcs.load()}};
}

int Run(const BenchOptions& options) {
  Workload workload(options.shape);
  size_t connections = std::min(options.connections, workload.sources());
  size_t window = options.window != 0
                      ? options.window
                      : (options.mode == "unary" || options.mode == "health" ? 64 : 4);
  const uint64_t otlp_start_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
  LoadCounters counters;
  std::vector<std::unique_ptr<LoadConnection>> running;
  for (size_t i = 0; i < connections; ++i) {
    auto channel = NewSeparateChannel(options.target, static_cast<int>(i), options.ca_file);
    ConnectionSetup setup{channel,
                          v1::Reporter::NewStub(channel),
                          workload.BatchesFor(i, connections),
                          window,
                          &counters,
                          options.token,
                          options.rate > 0};
    if (options.mode == "stream") {
      running.push_back(MakeStreamConnection(std::move(setup)));
    } else if (options.mode == "otlp") {
      running.push_back(MakeOtlpConnection(
          std::move(setup), OtlpBatchesFor(options.shape, i, connections, otlp_start_ns)));
    } else if (options.mode == "unary") {
      running.push_back(MakeUnaryConnection(std::move(setup)));
    } else {
      running.push_back(MakeHealthConnection(std::move(setup)));
    }
  }
  auto start = Clock::now();
  for (auto& connection : running) connection->Start();
  auto pacer = StartPacer(options.rate, options.shape.batch, running);
  RunFor(std::chrono::duration<double>(options.duration), counters, start);
  if (pacer) pacer->Stop();
  for (auto& connection : running) connection->Stop();
  bool drained = true;
  for (auto& connection : running) drained &= connection->WaitDrained(std::chrono::seconds(30));
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!drained) std::fprintf(stderr, "some connections did not drain in 30 s\n");
  nlohmann::ordered_json result = Result(options, counters, seconds);
  if (pacer) result["pacing"] = pacer->Result();
  if (options.json) {
    std::cout << result.dump() << std::endl;
  } else {
    std::cout << result.dump(2) << std::endl;
  }
  return 0;
}

}  // namespace
}  // namespace fleetgate::bench

int main(int argc, char** argv) {
  fleetgate::bench::BenchOptions options;
  CLI::App app{"fleetgate-bench: load generator for the fleetgate Reporter service"};
  app.add_option("--target", options.target, "gateway gRPC address, HOST:PORT")->required();
  app.add_option("--mode", options.mode,
                 "stream (StreamReport), unary (Report), health (grpc.health.v1 Check) or otlp "
                 "(OTLP MetricsService/Export)")
      ->check(CLI::IsMember({"stream", "unary", "health", "otlp"}));
  app.add_option("--duration", options.duration, "seconds of load")->check(CLI::PositiveNumber);
  app.add_option("--batch", options.shape.batch, "events per batch")->check(CLI::Range(1, 10000));
  app.add_option("--series", options.shape.series, "distinct counter series")
      ->check(CLI::PositiveNumber);
  app.add_option("--connections", options.connections, "separate channels (TCP connections)")
      ->check(CLI::PositiveNumber);
  app.add_option("--services", options.shape.services, "simulated services")
      ->check(CLI::PositiveNumber);
  app.add_option("--instances", options.shape.instances, "simulated instances per service")
      ->check(CLI::Range(1, 20));
  app.add_option(
      "--window", options.window,
      "batches in flight per stream / calls per unary or otlp connection (0: 4 / 64 / 4)");
  app.add_option("--service-prefix", options.shape.service_prefix,
                 "services are named <prefix>-<k> (default bench-svc)");
  app.add_option("--token", options.token, "reporter bearer token sent on every call")
      ->envname("FLEETGATE_TOKEN");
  app.add_option("--ca-file", options.ca_file, "PEM CA bundle: connect with TLS, verified by it")
      ->check(CLI::ExistingFile);
  app.add_option("--rate", options.rate,
                 "events/s, paced steadily over the connections (default 0: closed loop)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--health-flips", options.shape.health_flips,
               "add a health event to each batch, SERVING and DEGRADED in turn per source");
  app.add_flag("--json", options.json, "print the result as one JSON line");
  CLI11_PARSE(app, argc, argv);
  return fleetgate::bench::Run(options);
}
