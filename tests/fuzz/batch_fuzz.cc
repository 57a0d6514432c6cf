// Batch validation: a ReportRequest decoded from arbitrary bytes, run through the BatchProcessor
// of the gateway's ingest wiring (small limits, so the caps are reached too), and the exposition
// rendered. The store and registry persist across inputs, as in the gateway.
#include <cstddef>
#include <cstdint>

#include "fuzz_pipeline.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fleetgate::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fleetgate::fuzz::Pipeline world;
  fleetgate::v1::ReportRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  fleetgate::v1::ReportResponse response;
  (void)world.ingest.processor.Process(request, &response, "Report");
  world.AfterInput(size);
  return 0;
}
