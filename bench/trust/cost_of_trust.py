#!/usr/bin/env python3
"""The cost of trust and the noisy neighbour, against the real fleetgate binary (not a test).

  bench/trust/cost_of_trust.py --fleetgate build/services/gateway/fleetgate \\
      --bench build/bench/fleetgate-bench [--duration 10] [--only cost|noisy] [--rounds 3]

1. StreamReport and unary Report throughput (fleetgate-bench) on a plain gateway, then on one
   with auth.tokens_file and TLS on the gRPC port (bench --token --ca-file), back to back.
2. Noisy neighbour: a quota of --quota events/s (burst: one second's worth) for every service
   (ingest.rate_limit). `quiet-0` reports at half its quota, paced (fleetgate-bench --rate, 10-event
   unary batches), alone and then while `noisy-0` is paced at --times-quota (10) times its quota
   (100-event unary batches). Prints quiet's accepted rate and latency both ways, and what noisy-0
   offered and got.
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


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


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
            print(json.dumps({"run": f"{mode} {name}", "batch": int(batch),
                              "loadavg": load_average(), **out}), flush=True)


def paced_unary(prefix, batch, rate, duration, window):
    return ["--mode", "unary", "--window", str(window), "--connections", "1", "--services", "1",
            "--instances", "1", "--series", str(batch), "--batch", str(batch),
            "--service-prefix", prefix, "--rate", str(rate), "--duration", str(duration)]


def noisy_neighbour(args, work):
    config = "ingest:\n  rate_limit:\n    events_per_second: %d\n    burst: %d\n" % (
        args.quota, args.quota)
    quiet = paced_unary("quiet", 10, args.quota // 2, args.duration, 16)
    noisy = paced_unary("noisy", 100, args.quota * args.times_quota, args.duration + 2, 16)
    for round_, name in ((r, n) for r in range(args.rounds) for n in ("alone", "with noise")):
        gateway, port = start_gateway(args.fleetgate, work, f"noisy-{round_}-{name}", {}, config)
        try:
            loud = bench(args, port, noisy) if name == "with noise" else None
            if loud:
                time.sleep(1)  # the noise is on before the quiet service starts
            out = result(bench(args, port, quiet))
            if loud:
                loud_out = result(loud)
                offered = loud_out["pacing"]["offered_events_per_second"]
                out["noisy"] = {"accepted_events_per_second": loud_out["events_per_second"],
                                "offered_events_per_second": round(offered),
                                "times_quota": round(offered / args.quota, 2),
                                "refused_rpcs": loud_out["failed_rpcs"],
                                "missed_slots": loud_out["pacing"]["missed_slots"]}
        finally:
            gateway.terminate()
            gateway.wait(30)
        print(json.dumps({"run": f"quiet service {name}", "round": round_ + 1, "quota": args.quota,
                          "loadavg": load_average(), **out}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fleetgate", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--quota", type=int, default=2000, help="events/s per service")
    parser.add_argument("--times-quota", type=int, default=10, help="noisy-0's rate / its quota")
    parser.add_argument("--only", choices=["cost", "noisy"], help="run one part only")
    parser.add_argument("--rounds", type=int, default=1,
                        help="noisy neighbour: alone / with noise pairs, alternated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fleetgate-trust-bench-") as work:
        cert, key, tokens = make_material(work)
        if args.only != "noisy":
            cost_of_trust(args, work, cert, key, tokens)
        if args.only != "cost":
            noisy_neighbour(args, work)


if __name__ == "__main__":
    main()
