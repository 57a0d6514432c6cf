#pragma once
// A real fleetgate ingest path in the test process: IngestService over the IngestPipeline,
// served by a grpc::Server on 127.0.0.1. It can stop and start
// again on the same port with the same store, like a gateway that restarts. Not thread-safe.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "ingest/ingest_service.h"
#include "support/ingest_pipeline.h"

namespace fleetgate::testing {

class InProcessGateway {
 public:
  explicit InProcessGateway(ingest::IngestOptions options = {});
  ~InProcessGateway() { Stop(); }

  // Serves on `port` (0: any free one); false when it cannot listen.
  bool Start(int port = 0);
  // Ends open streams and stops at once, like a gateway that goes away.
  void Stop();

  int port() const { return port_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  health::HealthRegistry& registry() { return pipeline_.registry; }

  // The value of one exposed series (reported or self-metric); -1 if absent.
  double Value(const std::string& series) const;
  // The sum of every sample line starting with `prefix` (e.g. a histogram's `_count{`).
  double Sum(const std::string& prefix) const;

 private:
  std::string Render() const;

  IngestPipeline pipeline_;
  std::unique_ptr<ingest::IngestService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace fleetgate::testing
