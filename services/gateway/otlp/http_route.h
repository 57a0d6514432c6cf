#pragma once
// POST /v1/metrics: OTLP/HTTP metrics export. Bodies are application/x-protobuf or
// application/json (the protobuf JSON mapping), optionally Content-Encoding: gzip (inflated
// under max_decoded_bytes); the response is an ExportMetricsServiceResponse in the request's
// encoding. A body that does not decode answers 400, another media type 415, both as fleetgate's
// JSON error. Thread-safe (the processor is).

#include "http/message.h"
#include "http/router.h"
#include "otlp/export_processor.h"

namespace fleetgate::otlp {

http::Response HandleExport(ExportProcessor& processor, const http::Request& request);

void AddOtlpRoutes(http::Router& router, ExportProcessor& processor);

}  // namespace fleetgate::otlp
