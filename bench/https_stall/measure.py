#!/usr/bin/env python3
"""Does one silent TLS client stall a Pistache 0.0.5 HTTPS endpoint?

Starts bench's pistache-tls-server (useSSL, a self-signed certificate made with openssl here),
times HTTPS requests from fresh connections, then opens one TCP connection that sends nothing
(no ClientHello), then three, and times the same request while they are open (closing them
after --hold seconds if it is still waiting), and again afterwards.

  bench/https_stall/measure.py --server build/bench/pistache-tls-server [--hold 40]

Prints one JSON line. Not a test: the machine's load changes the baseline, not the stall.
"""
import argparse
import json
import socket
import ssl
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path


def make_certificate(directory):
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


def https_get(port, context, timeout):
    """Seconds for one GET / on a fresh TLS connection, or None if it did not finish in time."""
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                tls.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                reply = tls.recv(4096)
        if not reply.startswith(b"HTTP/1.1 200"):
            return None
        return time.monotonic() - started
    except (OSError, ssl.SSLError):
        return None


def baseline_ms(port, context, count):
    times = [https_get(port, context, 5.0) for _ in range(count)]
    done = [t * 1000 for t in times if t is not None]
    return {"requests": count, "completed": len(done),
            "median_ms": round(statistics.median(done), 2) if done else None,
            "max_ms": round(max(done), 2) if done else None}


def during_silent_clients(port, context, silent_count, hold):
    """One request started while silent_count TCP clients are connected and send nothing (no
    ClientHello); the silent ones are closed after hold seconds if the request is still waiting."""
    silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(silent_count)]
    time.sleep(0.2)  # let the accept thread take the silent connections first
    result = {}
    started = time.monotonic()

    def request():
        result["seconds"] = https_get(port, context, hold + 15)

    worker = threading.Thread(target=request)
    worker.start()
    worker.join(hold)
    stalled_for_hold = worker.is_alive()
    for connection in silent:
        connection.close()
    worker.join(15)
    seconds = result.get("seconds")
    return {"silent_clients": silent_count, "hold_s": hold,
            "still_waiting_at_hold": stalled_for_hold,
            "request_seconds": round(seconds, 2) if seconds is not None else None,
            "elapsed_s": round(time.monotonic() - started, 2)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--hold", type=float, default=40.0)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = make_certificate(Path(tmp))
        server = subprocess.Popen([args.server, str(cert), str(key), str(args.threads)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            port = int(server.stdout.readline())
            context = ssl.create_default_context(cafile=str(cert))
            report = {"baseline": baseline_ms(port, context, args.requests),
                      "silent": [during_silent_clients(port, context, n, args.hold)
                                 for n in (1, 3)],
                      "after": baseline_ms(port, context, args.requests)}
            print(json.dumps(report))
        finally:
            server.stdin.close()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
