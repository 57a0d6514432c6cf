#!/usr/bin/env python3
"""Randomized rule sets against the real fleetgate binary and the real `promtool check rules`:
rules with random names, labels, matchers, windows and annotations (supported templates, plain
text with awkward characters, and unsupported templates) are created over REST; every unsupported
template must be refused with 400 invalid_rule naming the annotation, and every set the gateway
accepted must export (GET /api/v1/rules/export) promtool-clean. The seed is printed; pass --seed
to replay one. Exits non-zero on the first failed check."""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from peer_testing import check, start_fleetgate  # noqa: E402

ROUNDS = 12
RULES_PER_ROUND = 8

BAD_TEMPLATES = ["{{ $foo }}", "{{ range . }}x{{ end }}", "{{ $labels.service",
                 "{{ .Labels.x }}", "{{ $labels.service | toUpper }}", "{{ $value | humanize }}",
                 "{{- $value }}", "{{ $labels.1x }}", "{{ }}", "{{ $labels. }}"]
AWKWARD = ["\"", "'", "\\", "`", ":", "#", "%", "{", "}", " }} ", "é", "日本", "\t", "\n", "$",
           "- ", "&", "*", "!", "|", ">"]
LABEL_NAMES = ["service", "instance", "severity", "team", "env", "zone", "x_1", "A"]


def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def text(rng):
    parts = [rng.choice(["queue", "of", "is", "down", "ok", " ", "0.5"] + AWKWARD)
             for _ in range(rng.randint(0, 6))]
    return "".join(parts)


def good_template(rng):
    parts = []
    for _ in range(rng.randint(1, 5)):
        roll = rng.random()
        if roll < 0.3:
            parts.append("{{ $labels.%s }}" % rng.choice(LABEL_NAMES))
        elif roll < 0.45:
            parts.append(rng.choice(["{{ $value }}", "{{$value}}", "{{  $labels.service}}"]))
        else:
            parts.append(text(rng).replace("{", "("))
    return "".join(parts)


def matcher_value(rng, op):
    if op in ("=~", "!~"):
        return rng.choice(["b.*", "billing|orders", "[a-z]+", "a\\.b", "(x|y)?z", ".*", ""])
    return text(rng)


def metric_condition(rng):
    aggregation = rng.choice(["sum", "avg", "min", "max", "count", "rate"])
    metric = {"name": rng.choice(["queue_depth", "http_requests_total", "x:y_z"]),
              "aggregation": aggregation}
    matchers = []
    for _ in range(rng.randint(0, 3)):
        op = rng.choice(["=", "!=", "=~", "!~"])
        matchers.append({"label": rng.choice(LABEL_NAMES), "op": op,
                         "value": matcher_value(rng, op)})
    if matchers:
        metric["matchers"] = matchers
    if rng.random() < 0.6:
        metric["by"] = rng.sample(LABEL_NAMES, rng.randint(1, 3))
    if aggregation == "rate" or rng.random() < 0.5:
        metric["window"] = rng.choice(["30s", "5m", "1h", "90s"])
    return {"kind": "metric", "metric": metric,
            "op": rng.choice([">", ">=", "<", "<=", "==", "!="]),
            "threshold": rng.choice([0, 1, 100, 0.25, -3, 1e9, 7.5e-7])}


def health_condition(rng):
    health = {"condition": rng.choice(["instance_not_serving", "unhealthy_ratio",
                                       "service_absent"])}
    if rng.random() < 0.7:
        health["service"] = text(rng) or "billing"
    if health["condition"] == "unhealthy_ratio":
        health["threshold"] = rng.choice([0, 0.5, 0.99])
    return {"kind": "health", "health": health}


def random_rule(rng, index):
    rule = {"name": "R%d_%s" % (index, rng.choice(["a", "B", "_c", "x9"]))}
    rule.update(metric_condition(rng) if rng.random() < 0.5 else health_condition(rng))
    if rng.random() < 0.7:
        rule["for"] = rng.choice(["0s", "1m", "30s", "2h"])
    rule["labels"] = {name: text(rng).replace("{", "(") for name in
                      rng.sample([n for n in LABEL_NAMES if n != "A"], rng.randint(0, 3))}
    annotations = {name: good_template(rng) for name in
                   rng.sample(["summary", "description", "runbook_url"], rng.randint(0, 3))}
    bad = None
    if rng.random() < 0.3:
        bad = rng.choice(["summary", "description", "extra"])
        annotations[bad] = good_template(rng)[:5] + rng.choice(BAD_TEMPLATES)
    rule["annotations"] = annotations
    return rule, bad


def run_round(rng, base, promtool, work, round_number):
    accepted = []
    for index in range(RULES_PER_ROUND):
        rule, bad = random_rule(rng, round_number * 100 + index)
        status, body = http("POST", base + "/api/v1/rules", rule)
        if bad is not None:
            error = json.loads(body).get("error", {}) if status == 400 else {}
            check(status == 400 and error.get("code") == "invalid_rule" and
                  error.get("field") == "annotations." + bad,
                  f"an unsupported template is refused naming annotations.{bad}: "
                  f"{json.dumps(rule)} -> {status} {body}")
            continue
        check(status == 201, f"a valid rule is created: {json.dumps(rule)} -> {status} {body}")
        accepted.append(rule["name"])
    status, exported = http("GET", base + "/api/v1/rules/export")
    check(status == 200, f"the export answers 200: {status}")
    rule_file = os.path.join(work, f"export-{round_number}.yml")
    with open(rule_file, "w") as f:
        f.write(exported)
    result = subprocess.run([promtool, "check", "rules", rule_file], capture_output=True,
                            text=True, timeout=60)
    check(result.returncode == 0, "promtool check rules accepts the export of the accepted "
          f"rules {accepted}:\n{result.stdout}{result.stderr}\n--- export ---\n{exported}")
    for name in accepted:
        check(http("DELETE", base + "/api/v1/rules/" + name)[0] == 204, f"{name} is deleted")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fleetgate", required=True)
    parser.add_argument("--promtool", required=True)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time())
    print(f"seed {seed} (replay with --seed {seed})", flush=True)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="fleetgate-rule-fuzz-") as work:
        process, _, http_port = start_fleetgate(args.fleetgate, work, deadline=time.monotonic() + 60)
        try:
            base = f"http://127.0.0.1:{http_port}"
            for round_number in range(ROUNDS):
                run_round(rng, base, args.promtool, work, round_number)
        finally:
            process.terminate()
            process.wait(timeout=20)
    print(f"{ROUNDS} randomized rule sets exported promtool-clean")


if __name__ == "__main__":
    main()
