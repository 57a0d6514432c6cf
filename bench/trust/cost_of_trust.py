#!/usr/bin/env python3
"""The cost of trust and the noisy neighbour, against the real fleetgate binary (not a test).

  bench/trust/cost_of_trust.py --fleetgate build/services/gateway/fleetgate \\
      --bench build/bench/fleetgate-bench [--duration 10]

1. StreamReport and unary Report throughput (fleetgate-bench) on a plain gateway, then on one
   with auth.tokens_file and TLS on the gRPC port (bench --token --ca-file), back to back.
2. Noisy neighbour: a quota of --quota events/s per service (ingest.rate_limit), none for
   `quiet-0`, which reports with one unary call in flight, alone and then while `noisy-0` sends
   as fast as it can (closed loop: far more than 10x its quota, the multiple is printed).
   Prints quiet's accepted rate and p99 both ways.
Certificates are made with openssl here. One JSON line per run on stdout.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time

TOKEN = "bench-reporter-token"


def make_material(work):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    tokens = os.path.join(work, "tokens.yaml")
    with open(tokens, "w") as f:
        f.write("tokens:\n  - name: bench\n    sha256: %s\n    roles: [reporter]\n"
                "    services: [\"*\"]\n" % hashlib.sha256(TOKEN.encode()).hexdigest())
    return cert, key, tokens


def start_gateway(binary, work, name, env_extra, config_text=""):
    run = os.path.join(work, name)
    os.makedirs(os.path.join(run, "db"))
    config = os.path.join(run, "fleetgate.yaml")
    with open(config, "w") as f:
        f.write(config_text or "{}\n")
    log = os.path.join(run, "fleetgate.log")
    process = subprocess.Popen(
        [binary, "--config", config, "--grpc-address", "127.0.0.1:0", "--http-address",
         "127.0.0.1:0", "--database", os.path.join(run, "db", "fleetgate.db")],
        stdout=open(log, "w"), stderr=subprocess.STDOUT, env=dict(os.environ, **env_extra))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"serving gRPC on port (\d+)", open(log).read())
        if match:
            return process, int(match.group(1))
        if process.poll() is not None:
            raise SystemExit(open(log).read())
        time.sleep(0.1)
    raise SystemExit("fleetgate did not start")


def bench(args, port, extra):
    command = [args.bench, "--target", f"127.0.0.1:{port}", "--json", *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def result(process):
    return json.loads(process.communicate()[0].strip().splitlines()[-1])


def cost_of_trust(args, work, cert, key, tokens):
    load = ["--duration", str(args.duration), "--series", "10000", "--services", "10",
            "--connections", "2"]
    secure_env = {"FLEETGATE_AUTH_TOKENS_FILE": tokens, "FLEETGATE_TLS_CERT_FILE": cert,
                  "FLEETGATE_TLS_KEY_FILE": key}
    for mode, batch in (("stream", "1000"), ("unary", "10")):
        for name, env, flags in (("plain", {}, []),
                                 ("auth+tls", secure_env, ["--token", TOKEN, "--ca-file", cert])):
            gateway, port = start_gateway(args.fleetgate, work, f"{mode}-{name}", env)
            try:
                out = result(bench(args, port, [*load, "--mode", mode, "--batch", batch, *flags]))
            finally:
                gateway.terminate()
                gateway.wait(30)
            print(json.dumps({"run": f"{mode} {name}", "batch": int(batch), **out}), flush=True)


def noisy_neighbour(args, work):
    config = ("ingest:\n  rate_limit:\n    events_per_second: %d\n    burst: %d\n"
              "    overrides:\n      quiet-0: {events_per_second: 0}\n" % (args.quota, args.quota))
    quiet = ["--mode", "unary", "--window", "1", "--connections", "1", "--services", "1",
             "--instances", "1", "--series", "10", "--batch", "10", "--service-prefix", "quiet",
             "--duration", str(args.duration)]
    noisy = ["--mode", "unary", "--window", "16", "--connections", "1", "--services", "1",
             "--instances", "1", "--series", "100", "--batch", "100", "--service-prefix", "noisy",
             "--duration", str(args.duration + 2)]
    for name in ("alone", "with noise"):
        gateway, port = start_gateway(args.fleetgate, work, f"noisy-{name}", {}, config)
        try:
            loud = bench(args, port, noisy) if name == "with noise" else None
            if loud:
                time.sleep(1)  # the noise is on before the quiet service starts
            out = result(bench(args, port, quiet))
            if loud:
                loud_out = result(loud)
                offered = (loud_out["rpcs_per_second"] + loud_out["failed_rpcs"] /
                           loud_out["seconds"]) * 100
                out["noisy"] = {"accepted_events_per_second": loud_out["events_per_second"],
                                "offered_events_per_second": round(offered),
                                "times_quota": round(offered / args.quota, 1)}
        finally:
            gateway.terminate()
            gateway.wait(30)
        print(json.dumps({"run": f"quiet service {name}", "quota": args.quota, **out}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fleetgate", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--quota", type=int, default=2000, help="events/s per service")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fleetgate-trust-bench-") as work:
        cert, key, tokens = make_material(work)
        cost_of_trust(args, work, cert, key, tokens)
        noisy_neighbour(args, work)


if __name__ == "__main__":
    main()
