"""Helpers shared by the Python tests that drive real binaries (fleetgate, Prometheus,
Alertmanager, helm): one-line checks, polling with a deadline instead of sleeping for fixed
times, and free loopback ports."""

import socket
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
