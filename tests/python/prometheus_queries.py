"""Running the shipped dashboard and rules through a real Prometheus: its configuration derived
from deploy/prometheus/prometheus.yml (scrape job as shipped, target and intervals rewritten),
the dashboard's queries with Grafana's variables substituted, and instant queries whose rows are
compared with the expected rows (label sets, and values where they are known)."""

import json
import math
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import yaml

from peer_testing import free_port

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROMETHEUS_YML = os.path.join(REPO, "deploy", "prometheus", "prometheus.yml")
RULES_DIR = os.path.join(REPO, "deploy", "prometheus", "rules")
DASHBOARD = os.path.join(REPO, "deploy", "grafana", "dashboards", "fleetgate.json")
CHART_DASHBOARD = os.path.join(REPO, "helm", "fleetgate", "dashboards", "fleetgate.json")
RATE_INTERVAL = "5m"  # $__rate_interval: longer than the test, so every increase is in range


def write_config(work, http_port, extra_rule_files):
    """The shipped config with the fleetgate job pointed at 127.0.0.1:http_port, 1 s scrapes and
    evaluations, the shipped rule files plus `extra_rule_files`, and no Alertmanager."""
    config = yaml.safe_load(open(PROMETHEUS_YML))
    config["global"].update(scrape_interval="1s", evaluation_interval="1s")
    config.pop("alerting", None)
    base = os.path.dirname(PROMETHEUS_YML)
    config["rule_files"] = [os.path.join(base, f) for f in config.get("rule_files", [])]
    config["rule_files"] += extra_rule_files
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "fleetgate")
    job["static_configs"] = [{"targets": [f"127.0.0.1:{http_port}"]}]
    credentials = job.get("authorization", {})
    if "credentials_file" in credentials:  # relative to the shipped file, which moves here
        credentials["credentials_file"] = os.path.join(base, credentials["credentials_file"])
    config["scrape_configs"] = [job]
    path = os.path.join(work, "prometheus.yml")
    with open(path, "w") as f:
        yaml.safe_dump(config, f)
    return path, job


def start(binary, config_path, work):
    port = free_port()
    log = open(os.path.join(work, "prometheus.log"), "w")
    process = subprocess.Popen([binary, f"--config.file={config_path}",
                                f"--storage.tsdb.path={os.path.join(work, 'tsdb')}",
                                f"--web.listen-address=127.0.0.1:{port}", "--web.enable-lifecycle",
                                "--log.level=warn"],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}"


def api(url, path, **params):
    full = f"{url}/api/v1/{path}"
    if params:
        full += "?" + urllib.parse.urlencode(params, doseq=True)
    try:
        body = json.load(urllib.request.urlopen(full, timeout=5))
    except urllib.error.HTTPError as error:
        raise ValueError(f"{path} {params}: {error.code} {error.read().decode()}") from error
    if body.get("status") != "success":
        raise ValueError(body)
    return body["data"]


def reload(url):
    request = urllib.request.Request(url + "/-/reload", method="POST")
    urllib.request.urlopen(request, timeout=10).read()


def rows(url, promql):
    """Instant query: a list of (labels without __name__, float value)."""
    data = api(url, "query", query=promql)
    if data["resultType"] != "vector":
        raise ValueError(f"{promql} is a {data['resultType']}, not a vector")
    out = []
    for sample in data["result"]:
        labels = {k: v for k, v in sample["metric"].items() if k != "__name__"}
        out.append((labels, float(sample["value"][1])))
    return out


def dashboard_targets():
    """(panel title, refId, expr) of every panel query of the shipped dashboard, and its
    template variables by name."""
    board = json.load(open(DASHBOARD))
    targets = []

    def walk(panels):
        for panel in panels:
            for target in panel.get("targets", []):
                targets.append((panel["title"], target["refId"], target["expr"]))
            walk(panel.get("panels", []))

    walk(board["panels"])
    variables = {v["name"]: v for v in board["templating"]["list"]}
    return targets, variables


def substitute(expr, values):
    """Grafana's substitution for a Prometheus data source: each $name by its value (already a
    regex: `.+` for All, `(a|b)` for several)."""
    out = expr.replace("$__rate_interval", RATE_INTERVAL)
    for name in sorted(values, key=len, reverse=True):
        out = out.replace("$" + name, values[name])
    if "$" in out:
        raise ValueError(f"unsubstituted variable in {out}")
    return out


def shipped_rules():
    """(alert, expr) of every rule in deploy/prometheus/rules/."""
    out = []
    for name in sorted(os.listdir(RULES_DIR)):
        for group in yaml.safe_load(open(os.path.join(RULES_DIR, name)))["groups"]:
            out += [(r["alert"], r["expr"]) for r in group["rules"]]
    return out


class Row:
    """An expected row: exact labels, and a value check (a number, or a predicate)."""

    def __init__(self, labels, value=None):
        self.labels = dict(labels)
        self.value = value

    def accepts(self, value):
        if callable(self.value):
            return self.value(value)
        if self.value is None:
            return math.isfinite(value)
        return math.isclose(value, self.value, rel_tol=1e-9, abs_tol=1e-9)

    def __repr__(self):
        what = getattr(self.value, "__doc__", None) if callable(self.value) else self.value
        return f"{self.labels} = {what if what is not None else 'finite'}"


def positive(value):
    """> 0"""
    return math.isfinite(value) and value > 0


def non_negative(value):
    """>= 0"""
    return math.isfinite(value) and value >= 0


def matches(actual, expected):
    """True when `actual` rows are exactly the `expected` rows (order ignored)."""
    if len(actual) != len(expected):
        return False
    remaining = list(expected)
    for labels, value in actual:
        found = next((e for e in remaining if e.labels == labels and e.accepts(value)), None)
        if found is None:
            return False
        remaining.remove(found)
    return True


def describe(promql, actual, expected):
    lines = [f"  query:    {promql}"]
    lines += ([f"  row:      {labels} = {value}" for labels, value in actual]
              or ["  row:      (none)"])
    lines += [f"  expected: {row}" for row in expected] or ["  expected: (none)"]
    return "\n".join(lines)


def has_nan(actual):
    return any(math.isnan(value) for _, value in actual)


def fleet_regex(values):
    """Grafana's regex for a multi-value selection."""
    if values == "All":
        return ".+"
    return values[0] if len(values) == 1 else "(" + "|".join(values) + ")"
