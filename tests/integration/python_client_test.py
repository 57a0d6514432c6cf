#!/usr/bin/env python3
"""A second-language client: Python grpcio (Debian python3-grpcio) reports to the real fleetgate
binary through stubs generated from proto/fleetgate/v1/reporter.proto, then checks /metrics and
the fleet API over HTTP. Exits non-zero on the first failed check."""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request


def generate_stubs(proto_root, out_dir, protoc, plugin):
    subprocess.run([protoc, f"-I{proto_root}", f"--python_out={out_dir}", f"--grpc_out={out_dir}",
                    f"--plugin=protoc-gen-grpc={plugin}", "fleetgate/v1/reporter.proto"], check=True)
    sys.path.insert(0, out_dir)


def start_gateway(binary, work_dir):
    log_path = os.path.join(work_dir, "fleetgate.log")
    log = open(log_path, "w")
    process = subprocess.Popen([binary, "--grpc-address", "127.0.0.1:0", "--http-address",
                                "127.0.0.1:0", "--database", os.path.join(work_dir, "db")],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        match = re.search(r"serving gRPC on port (\d+) and HTTP on port (\d+)", open(log_path).read())
        if match:
            return process, int(match.group(1)), int(match.group(2))
        if process.poll() is not None:
            break
        time.sleep(0.02)
    process.kill()
    raise SystemExit("fleetgate did not start:\n" + open(log_path).read())


def check(condition, what):
    if not condition:
        raise SystemExit("FAILED: " + what)
    print("ok:", what)


def run(grpc_port, http_port):
    import grpc
    from fleetgate.v1 import reporter_pb2 as pb
    from fleetgate.v1 import reporter_pb2_grpc as pb_grpc

    channel = grpc.insecure_channel(f"127.0.0.1:{grpc_port}")
    stub = pb_grpc.ReporterStub(channel)
    source = pb.Source(service="checkout", instance="py-1", version="2.0", labels={"region": "eu"})
    request = pb.ReportRequest(source=source, batch_id=7, events=[
        pb.Event(counter=pb.CounterEvent(name="orders_total", delta=3, labels={"kind": "web"})),
        pb.Event(gauge=pb.GaugeEvent(name="cart_items", value=12)),
        pb.Event(observation=pb.ObservationEvent(name="checkout_seconds", value=0.2)),
        pb.Event(health=pb.HealthEvent(status=pb.HEALTH_STATUS_DEGRADED, detail="payment slow",
                                       checks=[pb.Check(name="payments",
                                                        status=pb.HEALTH_STATUS_DEGRADED)])),
        pb.Event(counter=pb.CounterEvent(name="orders_total", delta=-1)),
    ])
    response = stub.Report(request, timeout=10)
    check(response.batch_id == 7, "batch_id is echoed")
    check(response.accepted == 4 and response.rejected == 1, "four accepted, one rejected")
    check(response.rejections[0].index == 4 and response.rejections[0].reason == "negative_delta",
          "the negative delta is rejected with its index and reason")

    responses = list(stub.StreamReport(iter([
        pb.ReportRequest(source=source, batch_id=i,
                         events=[pb.Event(counter=pb.CounterEvent(name="orders_total", delta=1,
                                                                 labels={"kind": "web"}))])
        for i in range(1, 11)]), timeout=10))
    check([r.batch_id for r in responses] == list(range(1, 11)), "stream answers in order")

    try:
        stub.Report(pb.ReportRequest(source=pb.Source(service="checkout")), timeout=10)
        check(False, "missing instance fails the RPC")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.INVALID_ARGUMENT, "missing instance is INVALID_ARGUMENT")

    metrics = urllib.request.urlopen(f"http://127.0.0.1:{http_port}/metrics", timeout=10).read().decode()
    check('orders_total{instance="py-1",kind="web",region="eu",service="checkout"} 13' in metrics,
          "counter deltas added across unary and stream")
    check('cart_items{instance="py-1",region="eu",service="checkout"} 12' in metrics, "gauge set")
    instance = json.load(urllib.request.urlopen(
        f"http://127.0.0.1:{http_port}/api/v1/services/checkout/instances/py-1", timeout=10))
    check(instance["status"] == "DEGRADED" and instance["checks"][0]["name"] == "payments",
          "health reported from Python is in the fleet API")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--proto-root", required=True)
    parser.add_argument("--protoc", default=shutil.which("protoc") or "protoc")
    parser.add_argument("--grpc-python-plugin", default="/usr/bin/grpc_python_plugin")
    args = parser.parse_args()
    work_dir = tempfile.mkdtemp(prefix="fleetgate-py-")
    process = None
    try:
        generate_stubs(args.proto_root, work_dir, args.protoc, args.grpc_python_plugin)
        process, grpc_port, http_port = start_gateway(args.binary, work_dir)
        run(grpc_port, http_port)
        process.send_signal(signal.SIGTERM)
        check(process.wait(timeout=30) == 0, "fleetgate exits 0 on SIGTERM")
        process = None
    finally:
        if process is not None:
            process.kill()
            print(open(os.path.join(work_dir, "fleetgate.log")).read())
        shutil.rmtree(work_dir, ignore_errors=True)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
