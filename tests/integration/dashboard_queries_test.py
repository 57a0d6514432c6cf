#!/usr/bin/env python3
"""Every query of the shipped Grafana dashboard and every shipped or exported rule expression,
run by Debian's prometheus scraping the real fleetgate with the shipped scrape job
(deploy/prometheus/prometheus.yml, honor_labels), and compared with the rows they must return:

1. idle gateway: no panel shows NaN; the latency panels show 0;
2. a mixed fleet reported over gRPC (python3-grpcio): billing b-1 SERVING, b-2 DEGRADED,
   b-3 NOT_SERVING; checkout c-1 SERVING, c-2 STALE (its TTL ran out); rules created over REST
   and loaded into Prometheus from GET /api/v1/rules/export: every panel (with the `$service`
   and `$instance` variables set to All and to a selection), every rule in
   deploy/prometheus/rules/ and every exported rule, which must also agree with fleetgate's own
   alerts;
3. Alertmanager (Debian's prometheus-alertmanager) stopped: the dropped-notification rule and
   panel show it.
Each query is printed with its rows and the expected rows. Exits non-zero on the first failure."""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import prometheus_queries as pq  # noqa: E402
from alerting_peers_test import get_json, http, start_alertmanager  # noqa: E402
from peer_testing import check, start_fleetgate  # noqa: E402
from peer_testing import poll as poll_until  # noqa: E402
from prometheus_queries import Row, non_negative, positive  # noqa: E402

DEADLINE = time.monotonic() + 270  # the whole test stays under CTest's timeout
STATUSES = ["SERVING", "DEGRADED", "NOT_SERVING", "STALE", "UNKNOWN", "MAINTENANCE"]
FLEET = {("billing", "b-1"): "SERVING", ("billing", "b-2"): "DEGRADED",
         ("billing", "b-3"): "NOT_SERVING", ("checkout", "c-1"): "SERVING",
         ("checkout", "c-2"): "STALE"}
SCENARIOS = [("All", "All"), (["billing"], ["b-2", "b-3"]), (["checkout"], "All")]

RULES = [
    {"name": "InstanceDown", "kind": "health", "for": "0s",
     "health": {"service": "billing", "condition": "instance_not_serving"},
     "labels": {"severity": "critical"}},
    {"name": "UnhealthyShare", "kind": "health", "for": "0s",
     "health": {"condition": "unhealthy_ratio", "threshold": 0.6}},
    {"name": "GhostAbsent", "kind": "health", "for": "0s",
     "health": {"service": "ghost", "condition": "service_absent"}},
    {"name": "HighQueue", "kind": "metric", "for": "0s",
     "metric": {"name": "queue_depth", "aggregation": "max", "by": ["service"]},
     "op": ">", "threshold": 100},
    # Three instances are not serving, over alerting.max_alerts_per_rule (2): every evaluation
    # of this rule fails, which fleetgate_rule_evaluation_failures_total must show.
    {"name": "TooMany", "kind": "health", "for": "0s",
     "health": {"condition": "instance_not_serving"}},
]


def poll(what, probe, timeout=30):
    return poll_until(what, probe, timeout, DEADLINE)


def parse_metrics(text):
    """(name, labels, value) of every sample in a text exposition."""
    out = []
    for line in text.splitlines():
        match = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$', line)
        if match:
            labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"',
                                     match.group(2) or ""))
            out.append((match.group(1), labels, float(match.group(3))))
    return out


def label_values(samples, name, *keys):
    return sorted({tuple(l[k] for k in keys) for n, l, _ in samples if n == name})


def in_scope(service, instance, scenario):
    services, instances = scenario
    return ((services == "All" or service in services) and
            (instances == "All" or instance in instances))


class Expectations:
    """The rows each panel and rule must return, from the known fleet, the gateway's own
    /metrics (for label values such as HTTP handlers) and its own alerts."""

    def __init__(self, target, am_url, before):
        self.target = target  # the scrape target's job and instance labels
        self.am_url = am_url
        self.before = before  # /metrics samples taken once Prometheus scraped the warmed routes
        self.fleet = {}
        self.idle = True
        self.am_stopped = False

    def refresh(self, base):
        self.now = parse_metrics(http("GET", base + "/metrics")[1])
        self.alerts = get_json(base + "/api/v1/alerts")["data"]["alerts"]

    def latency_handlers(self):
        counts = {l["handler"]: v for n, l, v in self.before
                  if n == "fleetgate_http_request_duration_seconds_count"}
        return [h for n, l, v in self.now
                if n == "fleetgate_http_request_duration_seconds_count"
                for h in [l["handler"]] if v > counts.get(h, v)]

    def fleet_panel(self, title, scenario):
        T = self.target
        live = {k: s for k, s in self.fleet.items() if in_scope(k[0], "any", (scenario[0], "All"))}
        picked = {k: s for k, s in self.fleet.items() if in_scope(*k, scenario)}
        if title == "Instances by status":
            if not live:
                return []
            counts = collections.Counter(live.values())
            return [Row({"status": s}, counts[s]) for s in STATUSES]
        if title == "Unhealthy instances by service":
            bad = collections.Counter(svc for (svc, _), s in live.items() if s != "SERVING")
            return [Row({"service": svc}, n) for svc, n in bad.items()]
        if title == "Instances not serving":
            return [Row({"job": T["job"], "service": svc, "instance": inst, "status": s}, 1)
                    for (svc, inst), s in picked.items() if s != "SERVING"]
        if title == "Flaps: status changes per instance (1h)":
            # c-2 was seen SERVING, then went STALE; the others kept their first status.
            return [Row({"job": T["job"], "service": svc, "instance": inst}, 1)
                    for (svc, inst) in picked if (svc, inst) == ("checkout", "c-2")]
        return None

    def panel(self, title, ref, scenario):
        rows = self.fleet_panel(title, scenario)
        if rows is not None:
            return rows
        T, now = self.target, self.now
        zero_when_idle = Row({}, 0) if self.idle else Row({}, non_negative)
        table = {
            "Events accepted per second": [Row({"kind": k}, non_negative) for (k,) in
                                           label_values(now, "fleetgate_events_accepted_total",
                                                        "kind")],
            "Events rejected per second by reason":
                [] if self.idle else [Row({"reason": "negative_delta"}, positive)],
            "Batches per second": [Row({"rpc": r}, non_negative)
                                   for (r,) in label_values(now, "fleetgate_batches_total", "rpc")],
            "Active series": [Row({}, v) for n, _, v in now if n == "fleetgate_series_active"],
            "Batch ingest latency": [zero_when_idle],
            "History queue depth": [Row(T, 0)],
            "Storage errors per second by op and reason": [],
            "Dropped history writes per second by reason": [],
            "History commit latency p99": [zero_when_idle],
            "Transitions written per second": [Row({}, 0 if self.idle else positive)],
            "Active alerts by rule and state": [
                Row({"alertname": a, "state": s}, n) for (a, s), n in collections.Counter(
                    (x["labels"]["alertname"], x["state"]) for x in self.alerts).items()],
            "Alert notifications per second by result": [
                Row({"alertmanager": am, "result": r}, non_negative) for am, r in
                label_values(now, "fleetgate_notifications_total", "alertmanager", "result")],
            "Dropped alert notifications per second":
                [Row({"alertmanager": self.am_url}, positive)] if self.am_stopped else [],
            "Rule evaluation failures per second": [Row({}, 0 if self.idle else positive)],
            "HTTP requests per second": [
                Row({"handler": h, "code": c}, non_negative) for h, c in
                label_values(now, "fleetgate_http_requests_total", "handler", "code")],
            "HTTP request latency p99": [Row({"handler": h}, non_negative)
                                         for h in self.latency_handlers()],
            "Scrape target up": [Row(T, 1)],
            "Version": [Row(dict(T, version=v), 1)
                        for (v,) in label_values(now, "fleetgate_build_info", "version")],
            "Resident memory": [Row(T, positive)],
            "CPU": [Row(T, non_negative)],
            "Threads and file descriptors": [Row(T, positive)],
        }
        if title not in table:
            raise SystemExit(f"FAILED: no expected rows for the panel {title!r}: add them")
        return table[title]

    def shipped_rule(self, alert):
        table = {
            "FleetgateTargetDown": [],
            "FleetgateEventsRejected": [],  # one rejection, below 1 per second
            "FleetgateInstancesNotServing": [Row({"service": "billing"}, 2),
                                             Row({"service": "checkout"}, 1)],
            "FleetgateSeriesNearLimit": [],
            "FleetgateIngestSlow": [],
            "FleetgateStorageWriteErrors": [],
            "FleetgateHistoryDropped": [],
            "FleetgateNotificationsDropped":
                [Row({"alertmanager": self.am_url}, positive)] if self.am_stopped else [],
            "FleetgateRuleEvaluationFailures": [Row(self.target, positive)],
        }
        if alert not in table:
            raise SystemExit(f"FAILED: no expected rows for the shipped rule {alert}: add them")
        return table[alert]

    def exported_rule(self, name):
        job = self.target["job"]

        def down(*instances):
            return [Row({"job": job, "service": s, "instance": i}, 0) for s, i in instances]

        return {
            "InstanceDown": down(("billing", "b-2"), ("billing", "b-3")),
            "UnhealthyShare": [Row({"service": "billing"}, 2 / 3)],
            "GhostAbsent": [Row({"service": "ghost"}, 1)],
            "HighQueue": [Row({"service": "billing"}, 150)],
            "TooMany": down(("billing", "b-2"), ("billing", "b-3"), ("checkout", "c-2")),
        }[name]


def run_query(prom, promql, expected_fn, what, base, expect):
    """Polls the query until its rows are the expected rows; prints both either way."""
    state = {}

    def probe():
        expect.refresh(base)
        state["expected"] = expected_fn()
        state["actual"] = pq.rows(prom, promql)
        return pq.matches(state["actual"], state["expected"])

    try:
        poll(what, probe, 20)
    except SystemExit:
        print(pq.describe(promql, state.get("actual", []), state.get("expected", [])))
        raise
    print(pq.describe(promql, state["actual"], state["expected"]))
    check(True, what)


def check_dashboard(prom, base, expect, scenarios):
    targets, variables = pq.dashboard_targets()
    for services, instances in scenarios:
        values = {"job": "fleetgate", "service": pq.fleet_regex(services),
                  "instance": pq.fleet_regex(instances)}
        for title, ref, expr in targets:
            promql = pq.substitute(expr, values)
            run_query(prom, promql, lambda: expect.panel(title, ref, (services, instances)),
                      f"panel {title!r} {ref} (service={values['service']}, "
                      f"instance={values['instance']}) has the expected rows", base, expect)
    return variables


def check_shipped_rules(prom, base, expect):
    for alert, expr in pq.shipped_rules():
        run_query(prom, expr, lambda: expect.shipped_rule(alert),
                  f"shipped rule {alert} has the expected rows", base, expect)


def report_fleet(stub, pb):
    def send(service, instance, status, ttl, *events):
        health = pb.Event(health=pb.HealthEvent(status=status, ttl_seconds=ttl))
        request = pb.ReportRequest(source=pb.Source(service=service, instance=instance),
                                   events=[*events, health])
        return stub.Report(request, timeout=10)

    send("billing", "b-1", pb.HEALTH_STATUS_SERVING, 600,
         pb.Event(gauge=pb.GaugeEvent(name="queue_depth", value=150)))
    send("billing", "b-2", pb.HEALTH_STATUS_DEGRADED, 600)
    send("billing", "b-3", pb.HEALTH_STATUS_NOT_SERVING, 600)
    answer = send("checkout", "c-1", pb.HEALTH_STATUS_SERVING, 600,
                  pb.Event(counter=pb.CounterEvent(name="orders_total", delta=5)),
                  pb.Event(counter=pb.CounterEvent(name="orders_total", delta=-1)),
                  pb.Event(observation=pb.ObservationEvent(name="latency_seconds", value=0.1)))
    check(answer.accepted == 3 and [r.reason for r in answer.rejections] == ["negative_delta"],
          "c-1's report is accepted but for one negative counter delta")
    return lambda: send("checkout", "c-2", pb.HEALTH_STATUS_SERVING, 2)


def grpc_stub(args, work):
    subprocess.run([args.protoc, f"-I{args.proto_root}", f"--python_out={work}",
                    f"--grpc_out={work}", f"--plugin=protoc-gen-grpc={args.grpc_python_plugin}",
                    "fleetgate/v1/reporter.proto"], check=True)
    sys.path.insert(0, work)
    import grpc
    from fleetgate.v1 import reporter_pb2 as pb
    from fleetgate.v1 import reporter_pb2_grpc as pb_grpc
    channel = grpc.insecure_channel(f"127.0.0.1:{args.grpc_port}")
    return pb_grpc.ReporterStub(channel), pb


def run(args, work, processes):
    check(open(pq.DASHBOARD).read() == open(pq.CHART_DASHBOARD).read(),
          "the chart's dashboard is deploy/grafana/dashboards/fleetgate.json")
    alertmanager, am_url = start_alertmanager(args.alertmanager, work)
    processes.append(alertmanager)
    env = dict(os.environ, FLEETGATE_ALERTING_ALERTMANAGERS=am_url,
               FLEETGATE_ALERTING_EVALUATION_INTERVAL="250ms",
               FLEETGATE_ALERTING_RESEND_DELAY="1s", FLEETGATE_ALERTING_NOTIFICATION_TIMEOUT="1s",
               FLEETGATE_ALERTING_NOTIFICATION_MAX_ATTEMPTS="1",
               FLEETGATE_ALERTING_MAX_ALERTS_PER_RULE="2", FLEETGATE_HEALTH_SWEEP_INTERVAL="200ms")
    gateway, args.grpc_port, http_port = start_fleetgate(args.fleetgate, work, env, DEADLINE)
    processes.append(gateway)
    base = f"http://127.0.0.1:{http_port}"
    # Every route the test calls later, once, so each has its series from Prometheus' first
    # scrape (the HTTP latency panel shows a handler once its count grows between two scrapes).
    for route in ("/api/v1/rules", "/api/v1/rules/export", "/api/v1/rules/TooMany",
                  "/api/v1/alerts", "/api/v1/services/checkout"):
        http("GET", base + route)

    exported = os.path.join(work, "exported-rules.yml")
    with open(exported, "w") as f:
        f.write("groups: []\n")
    config, job = pq.write_config(work, http_port, [exported])
    check(job.get("honor_labels") is True, "the shipped scrape job sets honor_labels: true")
    result = subprocess.run([args.promtool, "check", "config", config], capture_output=True,
                            text=True)
    check(result.returncode == 0, "promtool accepts the derived config " + result.stderr)
    prometheus, prom = pq.start(args.prometheus, config, work)
    processes.append(prometheus)
    target = {"job": "fleetgate", "instance": f"127.0.0.1:{http_port}"}
    poll("Prometheus scrapes fleetgate", lambda: pq.rows(prom, 'up{job="fleetgate"} == 1'))
    expect = Expectations(target, am_url, parse_metrics(http("GET", base + "/metrics")[1]))

    print("== idle gateway: no panel shows NaN, latencies show 0")
    check_dashboard(prom, base, expect, [("All", "All")])

    print("== a mixed fleet, fleetgate's rules exported to Prometheus")
    for rule in RULES:
        status, text = http("POST", base + "/api/v1/rules", rule)
        check(status == 201, f"POST rule {rule['name']} answers 201 ({status} {text})")
    status, export = http("GET", base + "/api/v1/rules/export")
    with open(exported, "w") as f:
        f.write(export)
    result = subprocess.run([args.promtool, "check", "rules", exported], capture_output=True,
                            text=True)
    check(status == 200 and result.returncode == 0, "promtool accepts the export " + result.stderr)
    pq.reload(prom)
    loaded = poll("Prometheus loads the exported rules", lambda: (lambda names: names if {
        r["name"] for r in RULES} <= names else None)({r["name"] for g in pq.api(
            prom, "rules")["groups"] for r in g["rules"]}))
    check(len(loaded) == len(RULES) + len(pq.shipped_rules()),
          "Prometheus runs the shipped and the exported rules")

    stub, pb = grpc_stub(args, work)
    heartbeat = report_fleet(stub, pb)
    expect.idle = False
    poll("Prometheus sees c-2 SERVING (heartbeats with a 2 s TTL)", lambda: heartbeat() and pq.rows(
        prom, 'fleetgate_instance_up{service="checkout", instance="c-2"} == 1'))
    poll("fleetgate marks c-2 STALE once its TTL ran out", lambda: any(
        i["instance"] == "c-2" and i["status"] == "STALE"
        for i in get_json(base + "/api/v1/services/checkout")["instances"]))
    expect.fleet = dict(FLEET)
    poll("fleetgate fires its rules", lambda: {
        a["labels"]["alertname"] for a in get_json(base + "/api/v1/alerts")["data"]["alerts"]} >= {
        "InstanceDown", "UnhealthyShare", "GhostAbsent", "HighQueue"})
    poll("TooMany fails its evaluations on alerting.max_alerts_per_rule", lambda: "max_alerts" in
         get_json(base + "/api/v1/rules/TooMany")["lastError"])

    variables = check_dashboard(prom, base, expect, SCENARIOS)
    for name, metric in (("service", "fleetgate_service_instances"),
                         ("instance", "fleetgate_instance_up")):
        query = variables[name]["query"]["query"]
        check(query.startswith(f"label_values({metric}{{") and query.endswith(f", {name})"),
              f"the ${name} variable lists the {name} label of {metric}")
        values = pq.api(prom, f"label/{name}/values", **{"match[]": metric})
        want = sorted({k[0 if name == "service" else 1] for k in FLEET})
        check(values == want, f"${name} offers {values} (expected {want})")
    check_shipped_rules(prom, base, expect)

    for group in pq.api(prom, "rules")["groups"]:
        for rule in group["rules"]:
            if rule["name"] not in {r["name"] for r in RULES}:
                continue
            run_query(prom, rule["query"], lambda: expect.exported_rule(rule["name"]),
                      f"exported rule {rule['name']} has the expected rows", base, expect)
            if rule["name"] == "TooMany":
                continue
            ours = sorted(sorted((k, v) for k, v in a["labels"].items()
                                 if k not in ("alertname", "severity"))
                          for a in expect.alerts if a["labels"]["alertname"] == rule["name"])
            theirs = sorted(sorted((k, v) for k, v in labels.items() if k != "job")
                            for labels, _ in pq.rows(prom, rule["query"]))
            check(ours == theirs, f"Prometheus' {rule['name']} rows are fleetgate's alerts "
                  f"({theirs} / {ours})")

    print("== Alertmanager stopped: fleetgate drops its notifications")
    alertmanager.terminate()
    alertmanager.wait(timeout=30)
    expect.am_stopped = True
    for title in ("Dropped alert notifications per second",):
        targets, _ = pq.dashboard_targets()
        for panel, ref, expr in targets:
            if panel == title:
                promql = pq.substitute(expr, {"job": "fleetgate", "service": ".+",
                                              "instance": ".+"})
                run_query(prom, promql, lambda: expect.panel(panel, ref, ("All", "All")),
                          f"panel {panel!r} shows the drops", base, expect)
    expr = dict(pq.shipped_rules())["FleetgateNotificationsDropped"]
    run_query(prom, expr, lambda: expect.shipped_rule("FleetgateNotificationsDropped"),
              "FleetgateNotificationsDropped has the Alertmanager's row", base, expect)
    check_shipped_rules(prom, base, expect)


def main():
    parser = argparse.ArgumentParser()
    for name in ("fleetgate", "alertmanager", "prometheus", "promtool", "proto-root", "protoc",
                 "grpc-python-plugin"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="fleetgate-dashboard-")
    processes = []
    try:
        run(args, work, processes)
    except SystemExit:
        for log in ("fleetgate.log", "alertmanager.log", "prometheus.log"):
            path = os.path.join(work, log)
            if os.path.exists(path):
                print(f"--- {log} (tail)\n" + "".join(open(path).readlines()[-30:]))
        raise
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("passed")


if __name__ == "__main__":
    main()
