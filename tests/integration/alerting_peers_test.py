#!/usr/bin/env python3
"""Alerting against the real peers: the fleetgate binary evaluates rules created over REST and
delivers to Debian's prometheus-alertmanager; `promtool check rules` accepts GET
/api/v1/rules/export; Debian's prometheus loads that export, scrapes the gateway and fires the
same alerts. Events are reported with the real fgctl. Exits non-zero on the first failed check."""

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
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from peer_testing import check, free_port, start_fleetgate  # noqa: E402
from peer_testing import poll as poll_until  # noqa: E402

DEADLINE = time.monotonic() + 250  # the whole test stays under CTest's timeout


def poll(what, probe, timeout=60):
    return poll_until(what, probe, timeout, DEADLINE)


def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get_json(url):
    status, text = http("GET", url)
    if status != 200:
        raise ValueError(f"GET {url}: {status} {text}")
    return json.loads(text)


def start(args, log_path, env=None):
    return subprocess.Popen(args, stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=env)


def start_alertmanager(binary, work):
    port = free_port()
    config = os.path.join(work, "alertmanager.yml")
    with open(config, "w") as f:
        f.write("route:\n  receiver: nobody\n  group_wait: 1s\nreceivers:\n  - name: nobody\n")
    process = start([binary, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}",
                     "--cluster.listen-address=", f"--storage.path={os.path.join(work, 'am')}"],
                    os.path.join(work, "alertmanager.log"))
    url = f"http://127.0.0.1:{port}"
    poll("alertmanager is ready", lambda: http("GET", url + "/-/ready")[0] == 200)
    return process, url


def gateway_env(alertmanager_url):
    return dict(os.environ,
                FLEETGATE_ALERTING_ALERTMANAGERS=alertmanager_url,
                FLEETGATE_ALERTING_EVALUATION_INTERVAL="250ms",
                FLEETGATE_ALERTING_RESEND_DELAY="2s")


def start_prometheus(binary, work, rule_file, http_port):
    port = free_port()
    config = os.path.join(work, "prometheus.yml")
    with open(config, "w") as f:
        # The scrape job as deploy/prometheus/prometheus.yml has it: honor_labels keeps the
        # reporting instance's `instance` label.
        f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [{json.dumps(rule_file)}]
scrape_configs:
  - job_name: fleetgate
    honor_labels: true
    static_configs:
      - targets: ["127.0.0.1:{http_port}"]
""")
    process = start([binary, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}",
                     f"--storage.tsdb.path={os.path.join(work, 'tsdb')}"],
                    os.path.join(work, "prometheus.log"))
    url = f"http://127.0.0.1:{port}"
    poll("prometheus is ready", lambda: http("GET", url + "/-/ready")[0] == 200)
    return process, url


HEALTH_RULE = {
    "name": "InstanceDown", "kind": "health",
    "health": {"service": "billing", "condition": "instance_not_serving"},
    "for": "0s", "labels": {"severity": "critical"},
    "annotations": {"summary": "{{ $labels.instance }} of {{ $labels.service }} is down"}}

METRIC_RULE = {
    "name": "HighQueue", "kind": "metric",
    "metric": {"name": "queue_depth",
               "matchers": [{"label": "service", "op": "=", "value": "billing"}],
               "aggregation": "max", "by": ["service"]},
    "op": ">", "threshold": 100, "for": "1s", "labels": {"severity": "warning"},
    "annotations": {"summary": "queue of {{ $labels.service }} is {{ $value }}"}}


def by_name(alerts):
    return {a["labels"]["alertname"]: a for a in alerts}


def main():
    parser = argparse.ArgumentParser()
    for name in ("fleetgate", "fgctl", "alertmanager", "prometheus", "promtool"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="fleetgate-alerting-")
    processes = []
    try:
        alertmanager, am_url = start_alertmanager(args.alertmanager, work)
        processes.append(alertmanager)
        gateway, grpc_port, http_port = start_fleetgate(args.fleetgate, work, gateway_env(am_url),
                                                         DEADLINE)
        processes.append(gateway)
        base = f"http://127.0.0.1:{http_port}"

        for rule in (HEALTH_RULE, METRIC_RULE):
            status, text = http("POST", base + "/api/v1/rules", rule)
            check(status == 201, f"POST rule {rule['name']} answers 201 ({status} {text})")

        def fgctl(*words):
            subprocess.run([args.fgctl, "--grpc-server", f"127.0.0.1:{grpc_port}", "report",
                            "--service", "billing", "--instance", words[0], *words[1:]],
                           check=True, capture_output=True, timeout=20)

        fgctl("b-1", "health", "SERVING")
        fgctl("b-2", "health", "NOT_SERVING", "--detail", "database unreachable")
        fgctl("b-1", "gauge", "queue_depth", "150")

        # Alertmanager receives both alerts with their labels and rendered annotations.
        def am_alerts():
            alerts = by_name(json.loads(http("GET", am_url + "/api/v2/alerts")[1]))
            return alerts if {"InstanceDown", "HighQueue"} <= alerts.keys() else None

        received = poll("Alertmanager receives both alerts", am_alerts)
        down = received["InstanceDown"]
        check(down["labels"] == {"alertname": "InstanceDown", "service": "billing",
                                 "instance": "b-2", "severity": "critical"},
              f"InstanceDown carries alertname, the rule's and the condition's labels "
              f"({down['labels']})")
        check(down["annotations"]["summary"] == "b-2 of billing is down",
              "InstanceDown's summary is rendered")
        check(down["status"]["state"] == "active", "InstanceDown is active in Alertmanager")
        check(down["generatorURL"].endswith("/api/v1/rules/InstanceDown"),
              "the generatorURL points at the rule")
        high = received["HighQueue"]
        check(high["labels"] == {"alertname": "HighQueue", "service": "billing",
                                 "severity": "warning"}, f"HighQueue's labels ({high['labels']})")
        check(high["annotations"]["summary"] == "queue of billing is 150",
              "HighQueue's summary carries the value")

        ours = by_name(get_json(base + "/api/v1/alerts")["data"]["alerts"])
        check(ours["HighQueue"]["state"] == "firing" and ours["HighQueue"]["value"] == "1.5e+02",
              "GET /api/v1/alerts shows HighQueue firing with Prometheus' value string")

        # The export passes promtool, and Prometheus running it fires the same alerts.
        status, export = http("GET", base + "/api/v1/rules/export")
        check(status == 200, "GET /api/v1/rules/export answers 200")
        rule_file = os.path.join(work, "fleetgate-rules.yml")
        with open(rule_file, "w") as f:
            f.write(export)
        promtool = subprocess.run([args.promtool, "check", "rules", rule_file],
                                  capture_output=True, text=True)
        check(promtool.returncode == 0, "promtool check rules accepts the export:\n" +
              promtool.stdout + promtool.stderr)
        prometheus, prom_url = start_prometheus(args.prometheus, work, rule_file, http_port)
        processes.append(prometheus)

        def prom_alerts():
            alerts = get_json(prom_url + "/api/v1/alerts")["data"]["alerts"]
            firing = by_name([a for a in alerts if a["state"] == "firing"])
            return firing if {"InstanceDown", "HighQueue"} <= firing.keys() else None

        fired = poll("Prometheus fires both exported rules", prom_alerts, 90)
        check(fired["InstanceDown"]["labels"]["service"] == "billing" and
              fired["InstanceDown"]["labels"]["instance"] == "b-2" and
              fired["InstanceDown"]["labels"]["severity"] == "critical",
              f"Prometheus' InstanceDown is the same alert ({fired['InstanceDown']['labels']})")
        check(fired["HighQueue"]["labels"]["service"] == "billing" and
              float(fired["HighQueue"]["value"]) == 150,
              f"Prometheus' HighQueue has the same group and value ({fired['HighQueue']})")
        check(fired["InstanceDown"]["annotations"]["summary"] == "b-2 of billing is down",
              "Prometheus renders the exported annotation as fleetgate does")

        # Recovery resolves the alerts in Alertmanager.
        fgctl("b-2", "health", "SERVING")
        fgctl("b-1", "gauge", "queue_depth", "5")
        poll("Alertmanager sees both alerts resolve",
             lambda: not ({"InstanceDown", "HighQueue"} &
                          by_name(json.loads(http("GET", am_url + "/api/v2/alerts")[1])).keys()))
        # The history is written behind (within storage.flush_interval).
        history = poll("the alert history of InstanceDown shows the resolution", lambda: (
            lambda page: page if page and page[0]["to"] == "resolved" else None)(
                get_json(base + "/api/v1/alerts/history?rule=InstanceDown")["transitions"]))
        check([t["to"] for t in history] == ["resolved", "firing"],
              f"the alert history of InstanceDown is firing then resolved ({history})")
        metrics = http("GET", base + "/metrics")[1]
        sent = re.search(r'fleetgate_notifications_total\{[^}]*result="sent"[^}]*\} (\S+)', metrics)
        check(sent and float(sent.group(1)) >= 4,
              "fleetgate_notifications_total counts the alerts sent")
        gateway.terminate()
        check(gateway.wait(timeout=30) == 0, "fleetgate exits 0 on SIGTERM")
    except SystemExit:
        for log in ("fleetgate.log", "alertmanager.log", "prometheus.log"):
            path = os.path.join(work, log)
            if os.path.exists(path):
                print(f"--- {log} (tail)\n" + "".join(open(path).readlines()[-40:]))
        raise
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
