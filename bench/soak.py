#!/usr/bin/env python3
"""Soak benchmark (not in `make test`): the real fleetgate under churn for a long time, with its
resident memory and open descriptors sampled, to show that neither grows.

Churn, all at once for --duration seconds:
  - generations of instances: every --generation-seconds a new set of --instances instances
    (over --services services, names unique per generation) starts reporting health (TTL 5 s),
    counters, a gauge and an observation every 2 s; each instance reports for one generation,
    some flip to NOT_SERVING and back, then it falls silent: its health goes stale, it is
    forgotten (health.forget_after) and its series expire (metrics.series_ttl);
  - GET /metrics every --scrape-seconds (5 s);
  - REST reads every second (services, one service, fleet summary, one service's history).
Every --sample-seconds (10 s) VmRSS and the number of open descriptors of the gateway go to a CSV
with the scrape size and the live series and instances. After --warmup seconds, both must stay
within 10% of their median after warm-up ("flat"); the drift between the first and last quarter
after warm-up is printed too. Exit 0 when flat, 1 when not, 2 on a setup failure.

  python3 bench/soak.py [--build-dir build] [--duration 1800] [--warmup 300] [--csv soak.csv]
  python3 bench/soak.py --analyze soak.csv --warmup 1200   # the verdict of an earlier run

Needs Debian's python3-grpcio (/usr/bin/python3), protoc and grpc_python_plugin.
"""

import argparse
import csv
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONFIG = """\
grpc: {{address: "127.0.0.1:0"}}
http: {{address: "127.0.0.1:0"}}
storage: {{database: "{db}", retention: 10m, retention_interval: 1m}}
metrics: {{series_ttl: 30s}}
health: {{default_ttl: 5s, forget_after: 30s, sweep_interval: 1s}}
log: {{level: info}}
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    parser.add_argument("--duration", type=float, default=1800, help="seconds of churn")
    parser.add_argument("--warmup", type=float, default=300, help="seconds before the verdict")
    parser.add_argument("--csv", default="soak.csv", help="where the samples go")
    parser.add_argument("--instances", type=int, default=100, help="instances per generation")
    parser.add_argument("--services", type=int, default=10)
    parser.add_argument("--series", type=int, default=10, help="counter series per instance")
    parser.add_argument("--generation-seconds", type=float, default=20)
    parser.add_argument("--scrape-seconds", type=float, default=5)
    parser.add_argument("--sample-seconds", type=float, default=10)
    parser.add_argument("--tolerance", type=float, default=0.10)
    parser.add_argument("--analyze", metavar="CSV", help="only print the verdict of an earlier run")
    return parser.parse_args()


def generate_stubs(out_dir):
    plugin = shutil.which("grpc_python_plugin")
    if not plugin or not shutil.which("protoc"):
        sys.exit("soak: needs protoc and grpc_python_plugin (protobuf-compiler-grpc)")
    subprocess.run(["protoc", "-I" + os.path.join(REPO, "proto"), "--python_out=" + out_dir,
                    "--grpc_out=" + out_dir, "--plugin=protoc-gen-grpc=" + plugin,
                    "fleetgate/v1/reporter.proto"], check=True)
    sys.path.insert(0, out_dir)


def start_gateway(binary, work):
    config = os.path.join(work, "fleetgate.yaml")
    with open(config, "w") as f:
        f.write(CONFIG.format(db=os.path.join(work, "fleetgate.db")))
    log_path = os.path.join(work, "fleetgate.log")
    log = open(log_path, "w")
    process = subprocess.Popen([binary, "--config", config], stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"serving gRPC on port (\d+) and HTTP on port (\d+)", open(log_path).read())
        if match:
            return process, int(match.group(1)), int(match.group(2))
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    sys.exit("soak: fleetgate did not start:\n" + open(log_path).read()[-2000:])


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reports = 0
        self.report_errors = 0
        self.scrapes = 0
        self.scrape_bytes = 0
        self.reads = 0
        self.read_errors = 0
        self.series = 0
        self.instances = 0

    def add(self, **kwargs):
        with self.lock:
            for key, value in kwargs.items():
                setattr(self, key, getattr(self, key) + value)


def churn(args, grpc_port, stop, stats):
    import grpc
    from fleetgate.v1 import reporter_pb2 as pb
    from fleetgate.v1 import reporter_pb2_grpc as pb_grpc

    stub = pb_grpc.ReporterStub(grpc.insecure_channel(f"127.0.0.1:{grpc_port}"))
    rng = random.Random(17)
    generation = 0
    while not stop.is_set():
        generation_end = time.monotonic() + args.generation_seconds
        sources = [(f"soak-svc-{i % args.services}", f"g{generation}-i{i}")
                   for i in range(args.instances)]
        flipped = set(rng.sample(range(args.instances), max(1, args.instances // 10)))
        round_number = 0
        while time.monotonic() < generation_end and not stop.is_set():
            round_start = time.monotonic()
            for index, (service, instance) in enumerate(sources):
                down = index in flipped and round_number % 4 == 2
                status = pb.HEALTH_STATUS_NOT_SERVING if down else pb.HEALTH_STATUS_SERVING
                events = [pb.Event(health=pb.HealthEvent(status=status, ttl_seconds=5))]
                events += [pb.Event(counter=pb.CounterEvent(
                    name="soak_requests_total", delta=1, labels={"route": f"/r{k}"}))
                    for k in range(args.series)]
                events.append(pb.Event(gauge=pb.GaugeEvent(name="soak_queue_depth",
                                                           value=rng.random() * 100)))
                events.append(pb.Event(observation=pb.ObservationEvent(
                    name="soak_latency_seconds", value=rng.random())))
                request = pb.ReportRequest(source=pb.Source(service=service, instance=instance),
                                           events=events)
                try:
                    stub.Report(request, timeout=10)
                    stats.add(reports=1)
                except grpc.RpcError:
                    stats.add(report_errors=1)
            round_number += 1
            stop.wait(max(0.0, 2.0 - (time.monotonic() - round_start)))
        generation += 1


def get(url, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def scraper(args, http_port, stop, stats):
    series_re = re.compile(rb"^fleetgate_series_active(?:\{[^}]*\})? (\S+)$", re.M)
    while not stop.wait(args.scrape_seconds):
        try:
            body = get(f"http://127.0.0.1:{http_port}/metrics")
        except OSError:
            stats.add(read_errors=1)
            continue
        series = sum(float(v) for v in series_re.findall(body))
        instances = len(set(re.findall(rb'fleetgate_instance_up\{[^}]*instance="([^"]*)"', body)))
        with stats.lock:
            stats.scrapes += 1
            stats.scrape_bytes = len(body)
            stats.series = int(series)
            stats.instances = instances


def reader(http_port, stop, stats):
    base = f"http://127.0.0.1:{http_port}/api/v1"
    paths = ["/services", "/services/soak-svc-0", "/fleet/summary",
             "/services/soak-svc-1/history?limit=50"]
    turn = 0
    while not stop.wait(1.0):
        try:
            get(base + paths[turn % len(paths)])
            stats.add(reads=1)
        except OSError:
            stats.add(read_errors=1)
        turn += 1


def sample(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = int(re.search(r"^VmRSS:\s+(\d+)", f.read(), re.M).group(1))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def verdict(name, values, tolerance):
    median = statistics.median(values)
    low, high = min(values), max(values)
    quarter = max(1, len(values) // 4)
    first, last = statistics.mean(values[:quarter]), statistics.mean(values[-quarter:])
    drift = (last - first) / first if first else 0.0
    flat = low >= median * (1 - tolerance) and high <= median * (1 + tolerance)
    print(f"{name}: median {median:.0f}, min {low:.0f} ({(low / median - 1) * 100:+.1f}%), "
          f"max {high:.0f} ({(high / median - 1) * 100:+.1f}%), first-to-last-quarter drift "
          f"{drift * 100:+.1f}% -> {'flat' if flat else 'NOT flat'} within {tolerance:.0%}")
    return flat


def run(args, process, grpc_port, http_port):
    stop = threading.Event()
    stats = Stats()
    workers = [threading.Thread(target=churn, args=(args, grpc_port, stop, stats)),
               threading.Thread(target=scraper, args=(args, http_port, stop, stats)),
               threading.Thread(target=reader, args=(http_port, stop, stats))]
    for worker in workers:
        worker.start()
    start = time.monotonic()
    rows = []
    fields = ["elapsed_s", "rss_kib", "open_fds", "series_active", "instances", "scrape_bytes",
              "reports", "report_errors", "scrapes", "reads", "read_errors", "loadavg_1m"]
    with open(args.csv, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(fields)
        try:
            while not stop.wait(args.sample_seconds):
                elapsed = time.monotonic() - start
                if process.poll() is not None:
                    print("soak: fleetgate exited with", process.returncode, file=sys.stderr)
                    break
                rss, fds = sample(process.pid)
                with stats.lock:
                    row = [round(elapsed), rss, fds, stats.series, stats.instances,
                           stats.scrape_bytes, stats.reports, stats.report_errors, stats.scrapes,
                           stats.reads, stats.read_errors, os.getloadavg()[0]]
                writer.writerow(row)
                out.flush()
                rows.append(row)
                print(" ".join(f"{k}={v}" for k, v in zip(fields, row)), flush=True)
                if elapsed >= args.duration:
                    break
        finally:
            stop.set()
            for worker in workers:
                worker.join()
    return rows


def analyze(args):
    with open(args.analyze) as f:
        rows = [[float(v) for v in row] for row in list(csv.reader(f))[1:]]
    after = [row for row in rows if row[0] >= args.warmup]
    if len(after) < 4:
        print("soak: too few samples after warm-up for a verdict", file=sys.stderr)
        return 2
    print(f"soak: {len(after)} samples after a warm-up of {args.warmup:.0f} s")
    flat = verdict("VmRSS KiB", [row[1] for row in after], args.tolerance)
    flat = verdict("open descriptors", [row[2] for row in after], args.tolerance) and flat
    return 0 if flat else 1


def main():
    args = parse_args()
    if args.analyze:
        return analyze(args)
    # SIGTERM (and SIGINT, which a background job ignores) stop the run cleanly: the gateway is
    # stopped and the temporary directory removed by the finally blocks below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    binary = os.path.join(args.build_dir, "services", "gateway", "fleetgate")
    if not os.access(binary, os.X_OK):
        sys.exit(f"soak: missing {binary}: build it first (make build)")
    work = tempfile.mkdtemp(prefix="fleetgate-soak.")
    try:
        generate_stubs(work)
        process, grpc_port, http_port = start_gateway(binary, work)
        try:
            print(f"soak: {os.cpu_count()} CPUs, load average {os.getloadavg()}, "
                  f"{args.duration:.0f} s, warm-up {args.warmup:.0f} s, samples to {args.csv}")
            rows = run(args, process, grpc_port, http_port)
        finally:
            process.terminate()
            process.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    after = [row for row in rows if row[0] >= args.warmup]
    if len(after) < 4:
        print("soak: too few samples after warm-up for a verdict", file=sys.stderr)
        return 2
    last = rows[-1]
    print(f"soak: {last[6]} reports ({last[7]} failed), {last[8]} scrapes, {last[9]} REST reads "
          f"({last[10]} failed), {len(after)} samples after warm-up, load average "
          f"{os.getloadavg()}")
    flat = verdict("VmRSS KiB", [row[1] for row in after], args.tolerance)
    flat = verdict("open descriptors", [row[2] for row in after], args.tolerance) and flat
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
