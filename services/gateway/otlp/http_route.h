#pragma once
// POST /v1/metrics: OTLP/HTTP metrics export. Bodies are application/x-protobuf or
// application/json (the protobuf JSON mapping), optionally Content-Encoding: gzip (inflated
// under max_decoded_bytes); the response is an ExportMetricsServiceResponse in the request's
// encoding. A body that does not decode answers 400, another media type 415, both as fleetgate's
// JSON error. With a ReportGate, each export is admitted like a Reporter call (DESIGN.md "Trust"):
// 401 with WWW-Authenticate without a valid credential (a tokens file is configured), 403
// permission_denied for a resource's service the credential does not cover, 429 rate_limited
// with Retry-After (seconds, rounded up) over a service's quota; the export is refused whole.
// Thread-safe (the processor and the gate are).

#include "http/message.h"
#include "http/router.h"
#include "ingest/durable_acks.h"
#include "ingest/report_gate.h"
#include "otlp/export_processor.h"

namespace fleetgate::otlp {

// `gate` may be null: every export is admitted.
http::Response HandleExport(ExportProcessor& processor, const ingest::ReportGate* gate,
                            const http::Request& request);

// `gate` may be null: every export is admitted. `acks` (may be null: answered at once): with
// storage.durable_ack, an export whose heartbeat recorded a health transition is answered after
// its commit, or 503 `not_committed`.
void AddOtlpRoutes(http::Router& router, ExportProcessor& processor, const ingest::ReportGate* gate,
                   ingest::DurableAcks* acks = nullptr);

}  // namespace fleetgate::otlp
