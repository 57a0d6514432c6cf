// OTLP export decoding and mapping: an ExportMetricsServiceRequest decoded from arbitrary bytes and
// applied by the ExportProcessor over the gateway's ingest wiring (state kept across inputs, so
// cumulative streams and caps are exercised).
#include <cstddef>
#include <cstdint>

#include "fuzz_pipeline.h"
#include "otlp/export_processor.h"

namespace {

using namespace fleetgate;  // NOLINT(google-build-using-namespace): a fuzz harness

otlp::OtlpOptions SmallExports() {
  otlp::OtlpOptions options;
  options.max_data_points = 1000;
  options.streams.max_streams = 2000;
  return options;
}

struct World {
  fuzz::Pipeline pipeline;
  otlp::ExportProcessor processor{SmallExports(), pipeline.ingest.store, pipeline.ingest.registry,
                                  pipeline.ingest.self_metrics, pipeline.clock};
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  otlp::ExportRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  (void)world.processor.Export(request);
  world.pipeline.AfterInput(size);
  return 0;
}
