"""Helpers shared by the Python tests that drive real binaries (fleetgate, Prometheus,
Alertmanager, helm): one-line checks, polling with a deadline instead of sleeping for fixed
times, and free loopback ports."""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time


def check(condition, what):
    """Prints `ok: what`, or ends the test with `FAILED: what`."""
    if not condition:
        raise SystemExit("FAILED: " + what)
    print("ok:", what)


def poll(what, probe, timeout, deadline=float("inf")):
    """Calls probe() every 200 ms until it returns a truthy value (returned), or until `timeout`
    seconds or the test's overall `deadline` (a time.monotonic() value) pass. OSError and
    ValueError from probe() count as not yet."""
    end = min(time.monotonic() + timeout, deadline)
    last = None
    while time.monotonic() < end:
        try:
            last = probe()
            if last:
                return last
        except (OSError, ValueError) as error:
            last = error
        time.sleep(0.2)
    raise SystemExit(f"FAILED: {what} (last: {last})")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_fleetgate(binary, work, env=None, deadline=float("inf"), extra_args=()):
    """Starts the fleetgate binary on 127.0.0.1:0 ports with its database and log in `work`;
    returns (process, grpc_port, http_port) once it logs its ports. `env` replaces the
    environment when given; `extra_args` (e.g. --config FILE) are added to the command line."""
    log_path = os.path.join(work, "fleetgate.log")
    args = [binary, "--grpc-address", "127.0.0.1:0", "--http-address", "127.0.0.1:0",
            "--database", os.path.join(work, "db", "fleetgate.db"), *extra_args]
    process = subprocess.Popen(args, stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, env=env)

    def ports():
        if process.poll() is not None:
            raise SystemExit("fleetgate exited:\n" + open(log_path).read())
        match = re.search(r"serving gRPC on port (\d+) and HTTP on port (\d+)",
                          open(log_path).read())
        return match and (int(match.group(1)), int(match.group(2)))

    grpc_port, http_port = poll("fleetgate logs its ports", ports, 20, deadline)
    return process, grpc_port, http_port


@contextlib.contextmanager
def fleetgate_running(binary, work, deadline=float("inf"), extra_args=()):
    """start_fleetgate for the body of a with: yields (process, grpc_port, http_port); afterwards
    stops the gateway and removes `work`, or, when the body failed, keeps it and prints the end
    of the gateway's log."""
    process, grpc_port, http_port = start_fleetgate(binary, work, deadline=deadline,
                                                    extra_args=extra_args)
    ok = False
    try:
        yield process, grpc_port, http_port
        ok = True
    finally:
        process.terminate()
        process.wait(timeout=30)
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("fleetgate log:\n" + open(os.path.join(work, "fleetgate.log")).read()[-4000:])
