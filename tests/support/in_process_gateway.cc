#include "support/in_process_gateway.h"

#include <sstream>

#include "metrics/exposition.h"

namespace fleetgate::testing {

InProcessGateway::InProcessGateway(ingest::IngestOptions options)
    : pipeline_(std::make_shared<ManualClock>(TimePoint(std::chrono::seconds(1'000'000))),
                metrics::MetricStoreOptions{}, options) {}

bool InProcessGateway::Start(int port) {
  service_ = std::make_unique<ingest::IngestService>(pipeline_.processor);
  grpc::ServerBuilder builder;
  int bound = 0;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(),
                           &bound);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (!server_ || bound == 0) return false;
  port_ = bound;
  return true;
}

void InProcessGateway::Stop() {
  if (!server_) return;
  service_->CloseStreams();
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  server_.reset();
  service_.reset();
}

std::string InProcessGateway::Render() const {
  metrics::Exposition exposition;
  exposition.Add(pipeline_.store.collectable());
  exposition.Add(pipeline_.self_registry);
  return exposition.Render();
}

double InProcessGateway::Value(const std::string& series) const {
  std::istringstream in(Render());
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

double InProcessGateway::Sum(const std::string& prefix) const {
  std::istringstream in(Render());
  double sum = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

}  // namespace fleetgate::testing
