#!/usr/bin/env python3
"""Proves the compose stack's Prometheus side natively: starts the real fleetgate binary on
loopback with deploy/fleetgate/tokens.yaml (plus a test reporter) and Debian's prometheus with
deploy/prometheus/prometheus.yml and its viewer credential (target rewritten to the
gateway, 1s scrapes), reports metrics and health over gRPC (python3-grpcio), then asserts
through Prometheus' HTTP API that the target is up, the shipped rules loaded, the reported
metric is queryable and every metric named in the dashboard's queries has data.
Both processes are always stopped. Exits non-zero on the first failed check."""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from peer_testing import check, free_port, start_fleetgate  # noqa: E402
from peer_testing import poll as poll_until  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROMETHEUS_YML = os.path.join(REPO, "deploy", "prometheus", "prometheus.yml")
SHIPPED_TOKENS = os.path.join(REPO, "deploy", "fleetgate", "tokens.yaml")
REPORTER_TOKEN = "stack-test-reporter-token"
DASHBOARD = os.path.join(REPO, "deploy", "grafana", "dashboards", "fleetgate.json")
DEADLINE = time.monotonic() + 100  # the whole test stays under CTest's 120 s timeout

# Series that appear only once a rule exists or an Alertmanager is configured; the integration
# test dashboard_queries checks their panels with both.
ALERTING_ONLY = {"fleetgate_alerts", "fleetgate_notifications_total"}
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
                "unless", "bool", "offset", "inf", "nan"}


def poll(what, probe, timeout):
    return poll_until(what, probe, timeout, DEADLINE)


def dashboard_metric_names(path):
    """Metric names in every panel query: identifiers left after removing label matchers,
    ranges, grouping clauses, Grafana variables, numbers, functions and PromQL keywords."""
    exprs = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("expr"), str):
                exprs.append(node["expr"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.load(open(path)).get("panels", []))
    names = set()
    for expr in exprs:
        text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)
        text = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\$\w+", " ", text)
        text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
        for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?", text):
            word = match.group(0).rstrip("( ")
            if match.group(1) is None and word.lower() not in PROMQL_WORDS:
                names.add(word)
    return exprs, sorted(names)


def write_prometheus_config(work, http_port):
    config = yaml.safe_load(open(PROMETHEUS_YML))
    config["global"]["scrape_interval"] = "1s"
    config["global"]["evaluation_interval"] = "1s"
    config.pop("alerting", None)  # no Alertmanager in this test
    rules_dir = os.path.dirname(PROMETHEUS_YML)
    config["rule_files"] = [os.path.join(rules_dir, f) for f in config.get("rule_files", [])]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    check("fleetgate" in jobs, "the shipped config scrapes a job named fleetgate")
    jobs["fleetgate"]["static_configs"] = [{"targets": [f"127.0.0.1:{http_port}"]}]
    credentials = jobs["fleetgate"].get("authorization", {})
    if "credentials_file" in credentials:  # relative to the shipped file, which moves here
        credentials["credentials_file"] = os.path.join(rules_dir, credentials["credentials_file"])
    config["scrape_configs"] = [jobs["fleetgate"]]
    path = os.path.join(work, "prometheus.yml")
    with open(path, "w") as f:
        yaml.safe_dump(config, f)
    return path


def start_prometheus(prometheus, config_path, work):
    port = free_port()
    log_path = os.path.join(work, "prometheus.log")
    process = subprocess.Popen([prometheus, f"--config.file={config_path}",
                                f"--storage.tsdb.path={os.path.join(work, 'tsdb')}",
                                f"--web.listen-address=127.0.0.1:{port}",
                                "--log.level=warn"],
                               stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    return process, port, log_path


def api(port, path, **params):
    url = f"http://127.0.0.1:{port}/api/v1/{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    body = json.load(urllib.request.urlopen(url, timeout=5))
    if body.get("status") != "success":
        raise ValueError(body)
    return body["data"]


def query(port, promql):
    return api(port, "query", query=promql)["result"]


def report(grpc_port, work, args):
    subprocess.run([args.protoc, f"-I{args.proto_root}", f"--python_out={work}",
                    f"--grpc_out={work}", f"--plugin=protoc-gen-grpc={args.grpc_python_plugin}",
                    "fleetgate/v1/reporter.proto"], check=True)
    sys.path.insert(0, work)
    import grpc
    from fleetgate.v1 import reporter_pb2 as pb
    from fleetgate.v1 import reporter_pb2_grpc as pb_grpc

    with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
        stub = pb_grpc.ReporterStub(channel)
        healthy = pb.ReportRequest(source=pb.Source(service="checkout", instance="a"), events=[
            pb.Event(counter=pb.CounterEvent(name="stack_orders_total", delta=5)),
            pb.Event(observation=pb.ObservationEvent(name="stack_latency_seconds", value=0.1)),
            pb.Event(health=pb.HealthEvent(status=pb.HEALTH_STATUS_SERVING))])
        failing = pb.ReportRequest(source=pb.Source(service="checkout", instance="b"), events=[
            pb.Event(gauge=pb.GaugeEvent(name="stack_queue_depth", value=3)),
            pb.Event(health=pb.HealthEvent(status=pb.HEALTH_STATUS_NOT_SERVING,
                                           detail="database unreachable")),
            pb.Event(counter=pb.CounterEvent(name="stack_orders_total", delta=-1))])
        token = (("authorization", "Bearer " + REPORTER_TOKEN),)
        first = stub.Report(healthy, timeout=10, metadata=token)
        second = stub.Report(failing, timeout=10, metadata=token)
    check(first.accepted == 3 and second.accepted == 2 and second.rejected == 1,
          "reports accepted over gRPC (one event rejected on purpose)")


def run(args, work):
    exprs, names = dashboard_metric_names(DASHBOARD)
    check(len(exprs) >= 10 and names, f"dashboard has {len(exprs)} queries naming {names}")

    # The shipped tokens file (whose viewer entry matches the shipped scrape credential) plus a
    # reporter for this test's reports.
    tokens = os.path.join(work, "tokens.yaml")
    with open(tokens, "w") as f:
        f.write(open(SHIPPED_TOKENS).read() + "  - name: stack-test\n    token: " + REPORTER_TOKEN
                + "\n    roles: [reporter]\n    services: [checkout]\n")
    env = dict(os.environ, FLEETGATE_AUTH_TOKENS_FILE=tokens)
    gateway, grpc_port, http_port = start_fleetgate(args.binary, work, env=env, deadline=DEADLINE)
    processes = [gateway]
    try:
        config_path = write_prometheus_config(work, http_port)
        result = subprocess.run([args.promtool, "check", "config", config_path],
                                capture_output=True, text=True)
        check(result.returncode == 0, "promtool accepts the derived config " + result.stderr)
        prometheus, prom_port, prom_log = start_prometheus(args.prometheus, config_path, work)
        processes.append(prometheus)

        def target_up():
            if prometheus.poll() is not None:
                raise SystemExit("prometheus exited:\n" + open(prom_log).read())
            targets = api(prom_port, "targets")["activeTargets"]
            return any(t["labels"]["job"] == "fleetgate" and t["health"] == "up"
                       for t in targets)

        try:
            urllib.request.urlopen(f"http://127.0.0.1:{http_port}/metrics", timeout=5)
            refused = False
        except urllib.error.HTTPError as error:
            refused = error.code == 401
        check(refused, "/metrics refuses a scrape without a credential (401)")
        poll("Prometheus reports the fleetgate target up", target_up, 40)
        check(True, "Prometheus, with the shipped viewer credential, reports the fleetgate target up")
        groups = api(prom_port, "rules")["groups"]
        alerts = [r["name"] for g in groups for r in g["rules"]]
        check("FleetgateTargetDown" in alerts, "Prometheus loaded the shipped alert rules")

        report(grpc_port, work, args)
        poll("the reported counter is queryable in Prometheus",
             lambda: query(prom_port, 'stack_orders_total{service="checkout",'
                                      'instance="a"} == 5'), 20)
        check(True, "the reported counter is queryable in Prometheus")
        poll("the NOT_SERVING instance shows in the unhealthy list",
             lambda: query(prom_port, 'fleetgate_instance_up{instance="b"} == 0'), 20)
        check(True, "the NOT_SERVING instance shows in the unhealthy list")
        for name in (n for n in names if n not in ALERTING_ONLY):
            poll(f"dashboard metric {name} has data",
                 lambda: query(prom_port, f'{name}{{job="fleetgate"}}'), 20)
            check(True, f"dashboard metric {name} has data")
        for expr in exprs:
            promql = expr.replace("$__rate_interval", "1m").replace('"$job"', '"fleetgate"')
            promql = promql.replace('"$service"', '".+"').replace('"$instance"', '".+"')
            api(prom_port, "query", query=promql)  # raises unless Prometheus parses it
        check(True, "every dashboard query is valid PromQL in Prometheus")
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--proto-root", required=True)
    parser.add_argument("--protoc", default=shutil.which("protoc") or "protoc")
    parser.add_argument("--grpc-python-plugin", default="/usr/bin/grpc_python_plugin")
    parser.add_argument("--prometheus", default="/usr/bin/prometheus")
    parser.add_argument("--promtool", default="/usr/bin/promtool")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="fleetgate-stack-")
    try:
        run(args, work)
    except SystemExit:
        for log in ("fleetgate.log", "prometheus.log"):
            path = os.path.join(work, log)
            if os.path.exists(path):
                print(f"--- {log}\n" + open(path).read()[-4000:])
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("passed")


if __name__ == "__main__":
    main()
