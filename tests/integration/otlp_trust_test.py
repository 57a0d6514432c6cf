#!/usr/bin/env python3
"""OTLP ingest under trust (DESIGN.md "Trust", "OTLP metrics ingest": the same credentials and
quotas as Reporter): the fleetgate binary with a tokens file and a per-service quota, Python
grpcio (Debian python3-grpcio) exporting over OTLP/gRPC and urllib posting OTLP/HTTP protobuf.
No credential is UNAUTHENTICATED / 401, a resource's service outside the token's globs is
PERMISSION_DENIED / 403 and nothing of the export is applied, an admin token is no reporter, the
right token is accepted, over the quota is RESOURCE_EXHAUSTED with retry-after-ms / 429 with
Retry-After. Exits non-zero on the first failed check."""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from peer_testing import check, fleetgate_running  # noqa: E402

DEADLINE = time.monotonic() + 250


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


TOKENS = f"""tokens:
  - name: team-a
    sha256: {sha256("a-secret")}
    roles: [reporter]
    services: ["a-*"]
  - name: prometheus
    sha256: {sha256("prom-secret")}
    roles: [viewer]
  - name: ops
    sha256: {sha256("ops-secret")}
    roles: [admin]
"""

PROTOS = ["opentelemetry/proto/common/v1/common.proto",
          "opentelemetry/proto/resource/v1/resource.proto",
          "opentelemetry/proto/metrics/v1/metrics.proto",
          "opentelemetry/proto/collector/metrics/v1/metrics_service.proto",
          "google/rpc/status.proto", "google/rpc/error_details.proto"]


class Otlp:
    def __init__(self, grpc_port, http_port):
        import grpc
        from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2 as service_pb2
        from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2_grpc
        self.grpc, self.service_pb2, self.stub_module = grpc, service_pb2, metrics_service_pb2_grpc
        self.grpc_target = f"127.0.0.1:{grpc_port}"
        self.http_base = f"http://127.0.0.1:{http_port}"

    def request(self, services, points=1, metric="orders"):
        """An export with one resource per service, each with `points` gauge points."""
        request = self.service_pb2.ExportMetricsServiceRequest()
        for service in services:
            resource = request.resource_metrics.add()
            for key, value in (("service.name", service), ("service.instance.id", "py-1")):
                attribute = resource.resource.attributes.add()
                attribute.key, attribute.value.string_value = key, value
            gauge = resource.scope_metrics.add().metrics.add()
            gauge.name = metric
            for n in range(points):
                point = gauge.gauge.data_points.add()
                point.as_int = n
                label = point.attributes.add()
                label.key, label.value.int_value = "n", n
        return request

    def grpc_export(self, services, token=None, points=1, metric="orders"):
        """(status code, trailing metadata) of one OTLP/gRPC Export."""
        channel = self.grpc.insecure_channel(self.grpc_target)
        stub = self.stub_module.MetricsServiceStub(channel)
        metadata = [("authorization", "Bearer " + token)] if token else None
        try:
            _, call = stub.Export.with_call(self.request(services, points, metric),
                                            metadata=metadata, timeout=5)
            return self.grpc.StatusCode.OK, dict(call.trailing_metadata() or ())
        except self.grpc.RpcError as error:
            return error.code(), dict(error.trailing_metadata() or ())
        finally:
            channel.close()

    def http_export(self, services, token=None, points=1, metric="orders"):
        """(status, headers, body) of one OTLP/HTTP protobuf export."""
        headers = {"Content-Type": "application/x-protobuf"}
        if token:
            headers["Authorization"] = "Bearer " + token
        body = self.request(services, points, metric).SerializeToString()
        return http("POST", self.http_base + "/v1/metrics", headers, body)

    def metrics(self):
        return http("GET", self.http_base + "/metrics", {"Authorization": "Bearer prom-secret"})[2]


def http(method, url, headers=None, body=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")


def check_grpc(o):
    code = o.grpc.StatusCode
    check(o.grpc_export(["a-1"], metric="grpc_anonymous")[0] == code.UNAUTHENTICATED,
          "OTLP/gRPC without a credential is UNAUTHENTICATED")
    check(o.grpc_export(["a-1"], token="nope")[0] == code.UNAUTHENTICATED,
          "OTLP/gRPC with an unknown token is UNAUTHENTICATED")
    check(o.grpc_export(["a-1", "b"], token="a-secret", metric="grpc_mixed")[0]
          == code.PERMISSION_DENIED, "OTLP/gRPC as a service outside the globs is PERMISSION_DENIED")
    check(o.grpc_export(["a-1"], token="ops-secret")[0] == code.PERMISSION_DENIED,
          "OTLP/gRPC with an admin token (no reporter) is PERMISSION_DENIED")
    check(o.grpc_export(["a-1", "a-2"], token="a-secret", metric="grpc_ok")[0] == code.OK,
          "OTLP/gRPC with a reporter token covering every service is accepted")
    text = o.metrics()
    check('grpc_ok{instance="py-1",n="0",service="a-2"} 0' in text, "its points are applied")
    check("grpc_anonymous" not in text and "grpc_mixed" not in text,
          "nothing of a refused export is applied")
    check('fleetgate_auth_failures_total{reason="missing_credential",transport="grpc"}' in text,
          "refusals are counted in fleetgate_auth_failures_total")


def check_http(o):
    status, headers, body = o.http_export(["a-1"], metric="http_anonymous")
    check(status == 401 and "unauthenticated" in body, "OTLP/HTTP without a credential: 401")
    check('Bearer realm="fleetgate"' in str(headers.get("WWW-Authenticate")),
          "the 401 names the Bearer scheme")
    status, _, body = o.http_export(["a-1", "b"], token="a-secret", metric="http_mixed")
    check(status == 403 and "permission_denied" in body,
          "OTLP/HTTP as a service outside the globs: 403 permission_denied")
    check(o.http_export(["a-1"], token="ops-secret")[0] == 403,
          "OTLP/HTTP with an admin token (no reporter): 403")
    check(o.http_export(["a-1"], token="a-secret", metric="http_ok")[0] == 200,
          "OTLP/HTTP with a reporter token for its service: 200")
    text = o.metrics()
    check('http_ok{instance="py-1",n="0",service="a-1"} 0' in text, "its points are applied")
    check("http_anonymous" not in text and "http_mixed" not in text,
          "nothing of a refused export is applied")
    check('fleetgate_auth_failures_total{reason="service_not_allowed",transport="http"}' in text,
          "HTTP refusals are counted in fleetgate_auth_failures_total")


def check_quota(o):
    code = o.grpc.StatusCode
    check(o.grpc_export(["a-noisy"], token="a-secret", points=5)[0] == code.OK,
          "an export within the service's quota is accepted")
    status, trailers = o.grpc_export(["a-1", "a-noisy"], token="a-secret", points=5)
    check(status == code.RESOURCE_EXHAUSTED, "over the quota, OTLP/gRPC is RESOURCE_EXHAUSTED")
    check(int(trailers.get("retry-after-ms", "0")) > 0, "it says when to retry (retry-after-ms)")
    # What an OpenTelemetry exporter reads: RESOURCE_EXHAUSTED is retried only when the status
    # details carry a google.rpc.RetryInfo (the OTLP specification's throttling rule).
    from google.rpc import error_details_pb2, status_pb2
    details = status_pb2.Status.FromString(trailers.get("grpc-status-details-bin", b""))
    retry = error_details_pb2.RetryInfo()
    check(details.code == code.RESOURCE_EXHAUSTED.value[0] and len(details.details) == 1
          and details.details[0].Unpack(retry),
          "the status details carry a google.rpc.RetryInfo (OTLP exporters retry on it)")
    delay_ms = retry.retry_delay.seconds * 1000 + retry.retry_delay.nanos // 1_000_000
    check(delay_ms == int(trailers["retry-after-ms"]),
          f"its retry_delay is the retry-after-ms delay ({delay_ms} ms)")
    status, headers, body = o.http_export(["a-noisy"], token="a-secret", points=5)
    check(status == 429 and "rate_limited" in body, "over the quota, OTLP/HTTP is 429 rate_limited")
    check(int(headers.get("Retry-After", "0")) >= 1, "with Retry-After in seconds")
    check(o.http_export(["a-1"], token="a-secret", points=5)[0] == 200,
          "another service keeps its own quota")
    text = o.metrics()
    check('fleetgate_ingest_rate_limited_events_total{service="a-noisy"} 10' in text,
          "throttled points are counted per service")
    check('fleetgate_events_rejected_total{reason="rate_limited"} 15' in text,
          "and as rejected with reason rate_limited (the whole refused export)")


def main():
    parser = argparse.ArgumentParser()
    for name in ("binary", "proto-root", "protoc", "grpc-python-plugin"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="fleetgate-otlp-trust-")
    subprocess.run([args.protoc, f"-I{args.proto_root}", f"--python_out={work}",
                    f"--grpc_out={work}", f"--plugin=protoc-gen-grpc={args.grpc_python_plugin}",
                    *PROTOS], check=True)
    sys.path.insert(0, work)
    tokens_file = os.path.join(work, "tokens.yaml")
    with open(tokens_file, "w") as f:
        f.write(TOKENS)
    config = os.path.join(work, "fleetgate.yaml")
    with open(config, "w") as f:
        f.write(f"""auth: {{tokens_file: {json.dumps(tokens_file)}}}
ingest:
  rate_limit:
    overrides:
      a-noisy: {{events_per_second: 0.001, burst: 5}}
""")
    with fleetgate_running(args.binary, work, deadline=DEADLINE,
                           extra_args=["--config", config]) as (_, grpc_port, http_port):
        o = Otlp(grpc_port, http_port)
        check_grpc(o)
        check_http(o)
        check_quota(o)


if __name__ == "__main__":
    main()
