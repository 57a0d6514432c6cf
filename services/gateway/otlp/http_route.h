#pragma once
// POST /v1/metrics: OTLP/HTTP metrics export. Bodies are application/x-protobuf or
// application/json (the protobuf JSON mapping), optionally Content-Encoding: gzip (inflated
// under max_decoded_bytes); the response is an ExportMetricsServiceResponse in the request's
// encoding. A body that does not decode answers 400, another media type 415, both as fleetgate's
// JSON error. Thread-safe (the processor is).

#include "http/message.h"
#include "http/router.h"
#include "ingest/durable_acks.h"
#include "otlp/export_processor.h"

namespace fleetgate::otlp {

http::Response HandleExport(ExportProcessor& processor, const http::Request& request);

// `acks` (may be null: answered at once): with storage.durable_ack, an export whose heartbeat
// recorded a health transition is answered after its commit, or 503 `not_committed`.
void AddOtlpRoutes(http::Router& router, ExportProcessor& processor,
                   ingest::DurableAcks* acks = nullptr);

}  // namespace fleetgate::otlp
