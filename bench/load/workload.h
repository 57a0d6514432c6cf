#pragma once
// The simulated fleet: `series` counter series spread over services × instances. Each source
// (service, instance) owns a share of the series; a batch comes from one source and carries counter
// events over that source's share, cycling. Batches are built once up front so generating load
// costs only serialization. Immutable after construction; safe to read from any thread.

#include <cstddef>
#include <string>
#include <vector>

#include "fleetgate/v1/reporter.pb.h"

namespace fleetgate::bench {

struct WorkloadShape {
  size_t series = 1000;
  size_t services = 10;
  size_t instances = 4;                      // per service
  size_t batch = 1000;                       // events per batch
  std::string service_prefix = "bench-svc";  // services are <prefix>-<k>
  // Each batch also carries a health event, SERVING and DEGRADED in turn per source, so (sent
  // in order) every batch records a health transition: the cost of storage.durable_ack.
  bool health_flips = false;
};

class Workload {
 public:
  explicit Workload(const WorkloadShape& shape);

  // The prebuilt batches for connection `index` of `connections`: the batches of every source
  // whose number is congruent to `index`. Never empty while sources >= connections.
  std::vector<const v1::ReportRequest*> BatchesFor(size_t index, size_t connections) const;
  size_t sources() const { return by_source_.size(); }

 private:
  void BuildSource(size_t source, size_t share);

  WorkloadShape shape_;
  std::vector<std::vector<v1::ReportRequest>> by_source_;
};

}  // namespace fleetgate::bench
