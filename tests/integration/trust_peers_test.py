#!/usr/bin/env python3
"""Trust against real peers (DESIGN.md "Trust"): the fleetgate binary with a tokens file, TLS and
mTLS on its gRPC port (certificates made here with `openssl`) and a per-service quota. Python
grpcio (Debian python3-grpcio) reports over TLS and mTLS: accepted, UNAUTHENTICATED,
PERMISSION_DENIED outside a token's globs, plaintext refused, a certificate rotated on disk taken
without a restart, RESOURCE_EXHAUSTED with retry-after-ms over the quota. Every REST route is
refused and allowed by role; the tokens file changes at runtime and a corrupt one keeps the
previous credentials. Debian's Prometheus scrapes /metrics with a bearer token and with
basic_auth, and fails without. Exits non-zero on the first failed check."""

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from peer_testing import check, fleetgate_running, free_port  # noqa: E402
from peer_testing import poll as poll_until  # noqa: E402

DEADLINE = time.monotonic() + 250


def poll(what, probe, timeout=30):
    return poll_until(what, probe, timeout, DEADLINE)


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_ca(work, name):
    key, cert = os.path.join(work, name + ".key"), os.path.join(work, name + ".pem")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + name)
    return key, cert


def make_cert(work, name, ca, san):
    key, csr, cert = (os.path.join(work, name + ext) for ext in (".key", ".csr", ".pem"))
    ext = os.path.join(work, name + ".ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName={san}\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", csr, "-subj", "/CN=" + name)
    openssl("x509", "-req", "-in", csr, "-CA", ca[1], "-CAkey", ca[0], "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", ext)
    return key, cert


def read(path):
    return open(path, "rb").read()


TOKENS = f"""tokens:
  - name: checkout
    sha256: {sha256("checkout-secret")}
    roles: [reporter]
    services: ["checkout", "checkout-*", "noisy"]
  - name: prometheus
    sha256: {sha256("prom-secret")}
    roles: [viewer]
  - name: grafana-basic
    username: grafana
    password_sha256: {sha256("s3cret")}
    roles: [viewer]
  - name: ops
    sha256: {sha256("ops-secret")}
    roles: [admin]
  - name: payments-mtls
    client_cert: {{uri_san: "spiffe://cluster/ns/pay/sa/payments"}}
    roles: [reporter]
    services: ["payments"]
"""


def write_atomically(path, text):
    with open(path + ".new", "w") as f:
        f.write(text)
    os.replace(path + ".new", path)


def http(method, url, headers=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def bearer(token):
    return {"Authorization": "Bearer " + token}


class Grpc:
    def __init__(self, port, ca_pem):
        import grpc
        from fleetgate.v1 import reporter_pb2, reporter_pb2_grpc
        self.grpc, self.pb, self.pb_grpc = grpc, reporter_pb2, reporter_pb2_grpc
        self.target, self.ca_pem = f"127.0.0.1:{port}", ca_pem

    def report(self, service, token=None, client=None, ca_pem=None, events=1, plaintext=False):
        """Returns (status code, trailing metadata) of one unary Report."""
        grpc = self.grpc
        if plaintext:
            channel = grpc.insecure_channel(self.target)
        else:
            key, cert = (read(client[0]), read(client[1])) if client else (None, None)
            creds = grpc.ssl_channel_credentials(ca_pem or self.ca_pem, key, cert)
            channel = grpc.secure_channel(self.target, creds,
                                          options=[("grpc.ssl_target_name_override", "localhost")])
        stub = self.pb_grpc.ReporterStub(channel)
        request = self.pb.ReportRequest(
            source=self.pb.Source(service=service, instance="py-1"),
            events=[self.pb.Event(counter=self.pb.CounterEvent(name="orders_total", delta=1))
                    for _ in range(events)])
        metadata = [("authorization", "Bearer " + token)] if token else None
        try:
            _, call = stub.Report.with_call(request, metadata=metadata, timeout=5)
            return grpc.StatusCode.OK, dict(call.trailing_metadata() or ())
        except grpc.RpcError as error:
            return error.code(), dict(error.trailing_metadata() or ())
        finally:
            channel.close()


def check_grpc(g, work, client, other_ca):
    StatusCode = g.grpc.StatusCode
    check(g.report("checkout", token="checkout-secret")[0] == StatusCode.OK,
          "TLS with a reporter token for its service is accepted")
    check(g.report("checkout-eu", token="checkout-secret")[0] == StatusCode.OK,
          "a service matching the token's glob is accepted")
    check(g.report("checkout")[0] == StatusCode.UNAUTHENTICATED,
          "no credential is UNAUTHENTICATED")
    check(g.report("checkout", token="nope")[0] == StatusCode.UNAUTHENTICATED,
          "an unknown token is UNAUTHENTICATED")
    check(g.report("payments", token="checkout-secret")[0] == StatusCode.PERMISSION_DENIED,
          "a service outside the token's globs is PERMISSION_DENIED")
    check(g.report("payments", client=client)[0] == StatusCode.OK,
          "mTLS: the client certificate's URI SAN reports as its service")
    check(g.report("checkout", client=client)[0] == StatusCode.PERMISSION_DENIED,
          "mTLS: another service is PERMISSION_DENIED")
    check(g.report("checkout", token="checkout-secret", plaintext=True)[0] == StatusCode.UNAVAILABLE,
          "plaintext is refused on the TLS port")
    check(g.report("checkout", token="checkout-secret", ca_pem=read(other_ca[1]))[0]
          == StatusCode.UNAVAILABLE, "a client that does not trust the server's CA cannot connect")


def check_rotation(g, work, server, rotated):
    """The rotated certificate chains to another CA: once gRPC re-reads the files, a client that
    trusts only that CA connects, without a restart."""
    new_ca, new_cert = rotated
    shutil.copy(new_cert[0], server[0] + ".tmp")
    shutil.copy(new_cert[1], server[1] + ".tmp")
    os.replace(server[0] + ".tmp", server[0])
    os.replace(server[1] + ".tmp", server[1])
    poll("the rotated certificate is served without a restart",
         lambda: g.report("checkout", token="checkout-secret", ca_pem=read(new_ca[1]))[0]
         == g.grpc.StatusCode.OK)
    check(True, "a certificate rotated on disk is taken without a restart")


def check_quota(g, http_base):
    StatusCode = g.grpc.StatusCode
    check(g.report("noisy", token="checkout-secret", events=5)[0] == StatusCode.OK,
          "a batch within the service's quota is accepted")
    code, trailers = g.report("noisy", token="checkout-secret", events=5)
    check(code == StatusCode.RESOURCE_EXHAUSTED, "the next batch over the quota is RESOURCE_EXHAUSTED")
    check(int(trailers.get("retry-after-ms", "0")) > 0, "it says when to retry (retry-after-ms)")
    check(g.report("checkout", token="checkout-secret", events=5)[0] == StatusCode.OK,
          "another service keeps its own quota")
    metrics = http("GET", http_base + "/metrics", bearer("prom-secret"))[2]
    check('fleetgate_ingest_rate_limited_events_total{service="noisy"} 5' in metrics,
          "throttled events are counted per service")
    check('fleetgate_events_rejected_total{reason="rate_limited"} 5' in metrics,
          "and as rejected with reason rate_limited")


READS = ["/metrics", "/api/v1/services", "/api/v1/services/checkout",
         "/api/v1/services/checkout/instances/py-1", "/api/v1/fleet/summary",
         "/api/v1/services/checkout/history", "/api/v1/services/checkout/availability",
         "/api/v1/rules", "/api/v1/rules/export", "/api/v1/rules/Down", "/api/v1/alerts",
         "/api/v1/alerts/history"]
RULE = {"name": "Down", "kind": "health", "for": "1m",
        "health": {"service": "checkout", "condition": "instance_not_serving"}}
CHANGES = [("POST", "/api/v1/rules", RULE), ("PUT", "/api/v1/rules/Down", RULE),
           ("DELETE", "/api/v1/rules/Down", None),
           ("DELETE", "/api/v1/services/checkout/instances/py-1", None)]


def check_rest(base):
    for path in ("/health", "/health/live", "/health/ready"):
        check(http("GET", base + path)[0] == 200, f"GET {path} stays open")
    basic = {"Authorization": "Basic " + base64.b64encode(b"grafana:s3cret").decode()}
    for path in READS:
        status, headers, body = http("GET", base + path)
        check(status == 401 and "unauthenticated" in body, f"GET {path} without a credential: 401")
        check('Bearer realm="fleetgate"' in str(headers.get("WWW-Authenticate")),
              f"GET {path} names the Bearer scheme")
        check(http("GET", base + path, bearer("checkout-secret"))[0] == 403,
              f"GET {path} with a reporter token: 403")
    check(http("POST", base + "/api/v1/rules", bearer("ops-secret"), RULE)[0] == 201,
          "an admin creates a rule")
    for path in READS:
        check(http("GET", base + path, bearer("prom-secret"))[0] not in (401, 403),
              f"GET {path} with a viewer token is served")
        check(http("GET", base + path, basic)[0] not in (401, 403),
              f"GET {path} with viewer basic auth is served")
        check(http("GET", base + path, {"Authorization": "bEaReR ops-secret"})[0] not in (401, 403),
              f"GET {path} with an admin token (scheme in any case) is served")
    for method, path, body in CHANGES:
        check(http(method, base + path, None, body)[0] == 401, f"{method} {path} anonymous: 401")
        status, _, text = http(method, base + path, bearer("prom-secret"), body)
        check(status == 403 and "permission_denied" in text, f"{method} {path} as viewer: 403")
        check(http(method, base + path, bearer("ops-secret"), body)[0] not in (401, 403),
              f"{method} {path} as admin is served")


def check_reload(base, tokens_file):
    write_atomically(tokens_file, TOKENS + f"""  - name: late
    sha256: {sha256("late-secret")}
    roles: [viewer]
""")
    poll("a token added to the file at runtime is accepted",
         lambda: http("GET", base + "/metrics", bearer("late-secret"))[0] == 200)
    check(True, "the tokens file changed at runtime is taken")
    write_atomically(tokens_file, "tokens:\n  - name: broken\n    sha256: nothex\n")
    poll("the corrupt file's failure is counted",
         lambda: 'fleetgate_auth_reloads_total{result="failure"} 1' in
         http("GET", base + "/metrics", bearer("late-secret"))[2])
    check(http("GET", base + "/metrics", bearer("late-secret"))[0] == 200,
          "a corrupt tokens file keeps the previous credentials")


def check_prometheus(binary, work, http_port):
    port = free_port()
    config = os.path.join(work, "prometheus.yml")
    target = f'static_configs: [{{targets: ["127.0.0.1:{http_port}"]}}]'
    with open(config, "w") as f:
        f.write(f"""global: {{scrape_interval: 1s}}
scrape_configs:
  - job_name: bearer
    authorization: {{credentials: prom-secret}}
    {target}
  - job_name: basic
    basic_auth: {{username: grafana, password: s3cret}}
    {target}
  - job_name: anonymous
    {target}
""")
    process = subprocess.Popen(
        [binary, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}",
         f"--storage.tsdb.path={os.path.join(work, 'tsdb')}"],
        stdout=open(os.path.join(work, "prometheus.log"), "w"), stderr=subprocess.STDOUT)
    try:
        def up():
            status, _, body = http("GET", f"http://127.0.0.1:{port}/api/v1/query?query=up")
            if status != 200:
                return None
            result = {r["metric"]["job"]: r["value"][1] for r in json.loads(body)["data"]["result"]}
            return result if len(result) == 3 else None
        result = poll("prometheus scrapes every job", up, 60)
        check(result["bearer"] == "1", "Prometheus scrapes /metrics with a bearer token")
        check(result["basic"] == "1", "Prometheus scrapes /metrics with basic_auth")
        check(result["anonymous"] == "0", "Prometheus without a credential fails to scrape")
    finally:
        process.terminate()
        process.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser()
    for name in ("binary", "proto-root", "protoc", "grpc-python-plugin", "prometheus"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="fleetgate-trust-")
    subprocess.run([args.protoc, f"-I{args.proto_root}", f"--python_out={work}",
                    f"--grpc_out={work}", f"--plugin=protoc-gen-grpc={args.grpc_python_plugin}",
                    "fleetgate/v1/reporter.proto"], check=True)
    sys.path.insert(0, work)

    ca = make_ca(work, "ca")
    other_ca = make_ca(work, "other-ca")
    server = make_cert(work, "server", ca, "DNS:localhost,IP:127.0.0.1")
    rotated = make_cert(work, "rotated", other_ca, "DNS:localhost,IP:127.0.0.1")
    client = make_cert(work, "payments", ca, "URI:spiffe://cluster/ns/pay/sa/payments")
    tokens_file = os.path.join(work, "tokens.yaml")
    write_atomically(tokens_file, TOKENS)
    config = os.path.join(work, "fleetgate.yaml")
    with open(config, "w") as f:
        f.write(f"""auth: {{tokens_file: {json.dumps(tokens_file)}, reload_interval: 200ms}}
tls:
  cert_file: {json.dumps(server[1])}
  key_file: {json.dumps(server[0])}
  client_ca_file: {json.dumps(ca[1])}
  client_auth: optional
  reload_interval: 1s
ingest:
  rate_limit:
    overrides:
      noisy: {{events_per_second: 0.001, burst: 5}}
""")
    with fleetgate_running(args.binary, work, deadline=DEADLINE,
                           extra_args=["--config", config]) as (_, grpc_port, http_port):
        g = Grpc(grpc_port, read(ca[1]))
        base = f"http://127.0.0.1:{http_port}"
        check_grpc(g, work, client, other_ca)
        check_quota(g, base)
        check_rest(base)
        check_reload(base, tokens_file)
        check_prometheus(args.prometheus, work, http_port)
        check_rotation(g, work, server, (other_ca, rotated))
        log = open(os.path.join(work, "fleetgate.log")).read()
        for secret in ("checkout-secret", "prom-secret", "ops-secret", "s3cret", "late-secret"):
            check(secret not in log, f"the log never contains the secret {secret}")
        check("audit: refused" in log and re.search(r'audit: \S+ /api/v1/\S+ by credential "', log),
              "refusals and changes are audited")
        refused = [line for line in log.splitlines() if "audit: refused" in line]
        check(all(" audit=refused transport=" in line and " credential=" in line
                  and " peer=" in line and " reason=" in line for line in refused),
              f"every refusal line carries its facts as fields ({len(refused)} lines)")
        check(any("transport=grpc" in line for line in refused)
              and any("transport=http" in line for line in refused),
              "refusals over gRPC and over HTTP are both audited")


if __name__ == "__main__":
    main()
