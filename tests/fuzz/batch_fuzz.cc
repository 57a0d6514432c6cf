// Batch decoding and validation: arbitrary bytes decoded as the gateway decodes a request
// (ReportView), which must accept exactly what protobuf's parser accepts, then run through the
// BatchProcessor of the gateway's ingest wiring (small limits, so the caps are reached too), and
// the exposition rendered. The store and registry persist across inputs, as in the gateway.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz_pipeline.h"
#include "ingest/report_view.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fleetgate::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fleetgate::fuzz::Pipeline world;
  static fleetgate::ingest::ReportView request;
  const bool decoded = request.Decode(std::string_view(reinterpret_cast<const char*>(data), size));
  fleetgate::v1::ReportRequest parsed;
  if (decoded != parsed.ParseFromArray(data, static_cast<int>(size))) {
    std::fprintf(stderr, "ReportView::Decode %s what protobuf %s\n",
                 decoded ? "accepts" : "refuses", decoded ? "refuses" : "accepts");
    std::abort();
  }
  if (!decoded) return 0;
  fleetgate::v1::ReportResponse response;
  (void)world.ingest.processor.Process(request, &response, "Report");
  world.AfterInput(size);
  return 0;
}
