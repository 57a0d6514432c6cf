#!/usr/bin/env python3
"""The README's quick start, followed literally: its example-service and fgctl lines name the
binaries the build produces, and run against a real gateway (started on loopback, the lines'
localhost:50051 and localhost:8080 pointed at its ports) they show the example service in the
fleet. Exits non-zero on the first failed check."""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from peer_testing import check, poll, start_fleetgate  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEADLINE = time.monotonic() + 100


def quick_start_lines():
    text = open(os.path.join(REPO, "README.md")).read()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    check(block is not None, "the README's quick start has a sh block")
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]


def line_running(lines, binary, build_dir):
    """The quick-start line that runs `binary` (a path under the build directory)."""
    relative = os.path.relpath(binary, build_dir)
    found = [line for line in lines if line.startswith(f"build/{relative} ")]
    check(len(found) == 1, f"the quick start has one line running build/{relative}")
    return found[0]


def to_args(line, grpc_port, http_port):
    line = line.rstrip("&").strip()
    line = line.replace("localhost:50051", f"127.0.0.1:{grpc_port}")
    line = line.replace("localhost:8080", f"127.0.0.1:{http_port}")
    return shlex.split(line)


def main():
    parser = argparse.ArgumentParser()
    for name in ("fleetgate", "example", "fgctl", "build-dir"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    lines = quick_start_lines()
    example_line = line_running(lines, args.example, args.build_dir)
    fgctl_line = line_running(lines, args.fgctl, args.build_dir)
    check("localhost:50051" in example_line and "localhost:8080" in fgctl_line,
          "the lines name the gateway's default addresses")
    work = tempfile.mkdtemp(prefix="fleetgate-quickstart-")
    processes = []
    try:
        gateway, grpc_port, http_port = start_fleetgate(args.fleetgate, work, deadline=DEADLINE)
        processes.append(gateway)
        example_args = to_args(example_line, grpc_port, http_port)
        example_args[0] = args.example
        log = open(os.path.join(work, "example.log"), "w")
        processes.append(subprocess.Popen(example_args, stdout=log, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL))
        fgctl_args = to_args(fgctl_line, grpc_port, http_port)
        fgctl_args[0] = args.fgctl

        def fleet():
            result = subprocess.run(fgctl_args, capture_output=True, text=True, timeout=20)
            print(result.stdout + result.stderr)
            return result.returncode == 0 and re.search(r"^example\b", result.stdout, re.M)

        poll("fgctl, run as the README says, lists the example service", fleet, 30, DEADLINE)
        check(True, "fgctl, run as the README says, lists the example service")
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("passed")


if __name__ == "__main__":
    main()
