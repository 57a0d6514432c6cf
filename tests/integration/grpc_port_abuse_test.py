#!/usr/bin/env python3
"""Abuse of the gRPC port against the real fleetgate binary: HTTP/2 floods written with Debian's
python3-h2 stack (hpack, hyperframe), descriptor exhaustion under a lowered RLIMIT_NOFILE, and
SIGTERM with many unary calls in flight. One scenario per run (--scenario); each prints its
numbers (peak RSS, latency) and fails when a bound is crossed or a normal client is starved."""

import argparse
import os
import re
import resource
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
from peer_testing import check, poll  # noqa: E402

import hpack  # noqa: E402
from hyperframe.frame import (ContinuationFrame, HeadersFrame, RstStreamFrame,  # noqa: E402
                              SettingsFrame)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
MIB = 1024 * 1024
# The guard's shedding threshold every scenario runs with (the default is sized for a pod).
SHED_MIB = 192


def memory_mib(release_mib, sanitized):
    """A memory figure sized for a Release build, for the binary under test. Under
    AddressSanitizer (make asan) each flood here peaks at about 4x its Release resident set
    (redzones, shadow memory, the sanitizer's allocator: 479 against 117 MiB for rapid reset,
    about 940 against 223 MiB for all three floods at once), plus a quarantine of freed blocks of
    up to 256 MiB; and that allocator returns little to the system, so a shed does not bring the
    resident set back down. Sanitized, the figures are 5x plus the quarantine: the bounds still
    catch an unbounded flood, and the shedding threshold stays above what the floods reach
    (shedding itself is exercised by the Release run)."""
    return 5 * release_mib + 256 if sanitized else release_mib


def guard_env(sanitized):
    return {"FLEETGATE_GUARD_MEMORY_SHED_BYTES": str(memory_mib(SHED_MIB, sanitized) * MIB),
            "FLEETGATE_GUARD_SELF_CHECK_INTERVAL": "500ms"}


class Gateway:
    """The fleetgate binary on 127.0.0.1:0 with a peak-RSS sampler."""

    def __init__(self, binary, work, sanitized, nofile=None, extra_env=None):
        self.log_path = os.path.join(work, "fleetgate.log")
        env = dict(os.environ, **guard_env(sanitized), **(extra_env or {}))
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))) \
            if nofile else None
        self.process = subprocess.Popen(
            [binary, "--grpc-address", "127.0.0.1:0", "--http-address", "127.0.0.1:0",
             "--database", os.path.join(work, "db", "fleetgate.db")],
            stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env, preexec_fn=limit)
        self.grpc_port, self.http_port = poll("fleetgate logs its ports", self._ports, 20)
        self.peak_rss = self.rss()
        self.samples = 0  # taken so far, so a test can wait for fresh ones
        self._sampling = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _ports(self):
        if self.process.poll() is not None:
            raise SystemExit("fleetgate exited:\n" + open(self.log_path).read())
        match = re.search(r"serving gRPC on port (\d+) and HTTP on port (\d+)",
                          open(self.log_path).read())
        return match and (int(match.group(1)), int(match.group(2)))

    def rss(self):
        try:
            status = open(f"/proc/{self.process.pid}/status").read()
        except OSError:
            return 0
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(match.group(1)) * 1024 if match else 0

    def _sample(self):
        while self._sampling:
            self.peak_rss = max(self.peak_rss, self.rss())
            self.samples += 1
            time.sleep(0.02)  # the sampling period

    def ready(self):
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/health/ready",
                                          timeout=2).status == 200
        except urllib.error.HTTPError as error:
            return error.code == 200
        except OSError:
            return False

    def metrics(self):
        return urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/metrics",
                                      timeout=10).read().decode()

    def stop(self):
        self._sampling = False
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self):
        return open(self.log_path).read()


def generate_stubs(args, out_dir):
    subprocess.run([args.protoc, f"-I{args.proto_root}", f"--python_out={out_dir}",
                    f"--grpc_out={out_dir}", f"--plugin=protoc-gen-grpc={args.grpc_python_plugin}",
                    "fleetgate/v1/reporter.proto"], check=True)
    sys.path.insert(0, out_dir)


def report_request(instance, batch_id):
    from fleetgate.v1 import reporter_pb2 as pb
    return pb.ReportRequest(
        source=pb.Source(service="abuse", instance=instance), batch_id=batch_id,
        events=[pb.Event(counter=pb.CounterEvent(name="calls_total", delta=1))])


def normal_call(port, timeout=5.0):
    """One Report on a fresh connection; returns its latency in seconds or raises grpc.RpcError."""
    import grpc
    from fleetgate.v1 import reporter_pb2_grpc as pb_grpc
    start = time.monotonic()
    with grpc.insecure_channel(f"127.0.0.1:{port}",
                               options=[("grpc.use_local_subchannel_pool", 1)]) as channel:
        pb_grpc.ReporterStub(channel).Report(report_request("normal", 1), timeout=timeout)
    return time.monotonic() - start


def answers(port, timeout=2.0):
    """True when a normal Report on a fresh connection succeeds."""
    try:
        normal_call(port, timeout)
        return True
    except Exception:  # grpc.RpcError: not yet
        return False


def frame(f):
    return f.serialize()


def raw_frame(kind, flags, stream_id, payload):
    """A frame built with struct: hyperframe is too slow for 200,000 frames a second."""
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + \
        struct.pack(">I", stream_id) + payload


def h2_connection(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(PREFACE + frame(SettingsFrame(0)))
    threading.Thread(target=drain, args=(sock,), daemon=True).start()
    return sock


def drain(sock):
    """Reads and discards what the server writes, so the server never blocks on us."""
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


def request_headers():
    return hpack.Encoder().encode([
        (":method", "POST"), (":scheme", "http"), (":path", "/fleetgate.v1.Reporter/Report"),
        (":authority", "fleetgate"), ("content-type", "application/grpc"), ("te", "trailers")])


def send_all(sock, chunks):
    """Sends until done or the server closes the connection; returns the bytes sent."""
    sent = 0
    try:
        for chunk in chunks:
            sock.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass
    return sent


def rapid_reset(port, streams=100_000):
    """HEADERS then RST_STREAM(CANCEL) for `streams` streams on one connection (CVE-2023-44487)."""
    sock = h2_connection(port)
    block = request_headers()
    cancel = frame(RstStreamFrame(1, error_code=8))[9:]

    def chunks():
        batch = []
        for i in range(streams):
            stream_id = 2 * i + 1
            batch.append(raw_frame(0x1, 0x4, stream_id, block))  # HEADERS, END_HEADERS
            batch.append(raw_frame(0x3, 0x0, stream_id, cancel))  # RST_STREAM(CANCEL)
            if len(batch) >= 512:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch)

    sent = send_all(sock, chunks())
    sock.close()
    return sent


def continuation_flood(port, total=30 * MIB):
    """One HEADERS without END_HEADERS followed by `total` bytes of CONTINUATION frames."""
    sock = h2_connection(port)
    literal = hpack.Encoder().encode([("x-flood", "a" * 4000)], huffman=False)
    payload = literal * (16000 // len(literal))

    def chunks():
        yield frame(HeadersFrame(1, request_headers()))
        for _ in range(total // len(payload)):
            yield frame(ContinuationFrame(1, payload))

    sent = send_all(sock, chunks())
    sock.close()
    return sent


def settings_flood(port, streams=10_000):
    """Opens `streams` streams without ever acknowledging the server's SETTINGS, so its
    max_concurrent_streams is not yet binding on us."""
    sock = h2_connection(port)
    block = request_headers()

    def chunks():
        for start in range(0, streams, 500):
            yield b"".join(raw_frame(0x1, 0x4, 2 * i + 1, block)
                           for i in range(start, min(start + 500, streams)))

    sent = send_all(sock, chunks())
    return sock, sent


def latency_probe(port, stop, latencies, failures):
    while not stop.is_set():
        try:
            latencies.append(normal_call(port, timeout=10))
        except Exception as error:  # grpc.RpcError and socket errors alike
            failures.append(" ".join(str(error).split())[:300])
        time.sleep(0.1)  # the probe's pace


def run_flood(gateway, name, flood):
    start = time.monotonic()
    result = flood(gateway.grpc_port)
    sock = result[0] if isinstance(result, tuple) else None
    print(f"{name}: {(result[1] if sock else result) / MIB:.1f} MiB sent in "
          f"{time.monotonic() - start:.1f} s")
    return sock


def scenario_flood(args, gateway, floods):
    stop = threading.Event()
    latencies, failures = [], []
    probe = threading.Thread(target=latency_probe,
                             args=(gateway.grpc_port, stop, latencies, failures))
    probe.start()
    held = []
    threads = [threading.Thread(target=lambda n=n, f=f: held.append(run_flood(gateway, n, f)))
               for n, f in floods]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for sock in held:
        if sock:
            sock.close()
    after = poll("a normal client gets an answer after the flood",
                 lambda: answers(gateway.grpc_port, 5) and normal_call(gateway.grpc_port), 30)
    # The sampler and the probe see what is kept once the flood ended: a few more samples of the
    # RSS, one more answered call, and at least 10 answered calls in all (a flood cut short by
    # the gateway may last less than the probe needs for them).
    samples, answered_before = gateway.samples, len(latencies)
    poll("the RSS sampler and the latency probe run after the flood",
         lambda: gateway.samples >= samples + 25 and len(latencies) > max(answered_before, 9),
         30)
    stop.set()
    probe.join()
    # Once the flood is over the gateway must become ready again by itself: memory the allocator
    # kept from the flood in the band just under the shedding threshold used to hold readiness
    # down for good.
    poll("the gateway is ready again after the flood", gateway.ready, 30)
    kept = gateway.rss()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan")
    print(f"peak RSS {gateway.peak_rss / MIB:.0f} MiB, kept after {kept / MIB:.0f} MiB; "
          f"normal client: {len(latencies)} calls, max {max(latencies or [0]):.2f} s, "
          f"p99 {p99:.2f} s, {len(failures)} failed; after the flood {after:.3f} s")
    for failure in failures:
        print(f"  normal client failure: {failure}")
    check(gateway.process.poll() is None, "the gateway survived")
    bound = memory_mib(args.rss_bound_mb, args.sanitized)
    check(gateway.peak_rss < bound * MIB, f"peak RSS stays under {bound} MiB")
    check(kept < bound * MIB, f"RSS after the flood is under {bound} MiB")
    # Latency is printed, not asserted (no timed assertions in tests): the normal client must
    # keep getting answers, almost all of them successful.
    answered = len(latencies)
    check(answered >= 10 and len(failures) <= answered // 10,
          "a normal client kept getting answers during the flood (at most 10% failed)")


def scenario_descriptors(args, gateway):
    """700 idle TCP connections under a 512-descriptor limit, then closed."""
    socks = []
    for _ in range(700):
        try:
            socks.append(socket.create_connection(("127.0.0.1", gateway.grpc_port), timeout=2))
        except OSError:
            break
    print(f"{len(socks)} idle connections open")
    # Meanwhile readiness must tell the truth: either the port answers or /health/ready is 503.
    truthful = poll("readiness tells the truth while the descriptors are exhausted",
                    lambda: not gateway.ready() or answers(gateway.grpc_port),
                    20)
    check(truthful, "readiness and the gRPC port agree")
    for s in socks:
        s.close()
    start = time.monotonic()
    poll("new calls succeed after the idle connections closed",
         lambda: answers(gateway.grpc_port), args.recover_deadline)
    print(f"recovered in {time.monotonic() - start:.2f} s")
    poll("/health/ready is 200 again", gateway.ready, 20)
    check(gateway.process.poll() is None, "the gateway survived")


def scenario_sigterm(args, gateway):
    """Many unary calls in flight when SIGTERM arrives: each is applied or gets UNAVAILABLE."""
    import grpc
    from fleetgate.v1 import reporter_pb2_grpc as pb_grpc
    channels = [grpc.insecure_channel(f"127.0.0.1:{gateway.grpc_port}",
                                      options=[("grpc.use_local_subchannel_pool", 1)])
                for _ in range(8)]
    stubs = [pb_grpc.ReporterStub(c) for c in channels]
    outcomes, lock, flowing = {}, threading.Lock(), set()

    def caller(worker):
        for n in range(100_000):
            if gateway.process.poll() is not None:
                return
            try:
                stubs[worker % len(stubs)].Report(report_request(f"w{worker}", n), timeout=10)
                code = "OK"
            except grpc.RpcError as error:
                code = error.code().name
            with lock:
                outcomes[code] = outcomes.get(code, 0) + 1
                if code == "OK":
                    flowing.add(worker)
            if code != "OK":
                return

    threads = [threading.Thread(target=caller, args=(w,)) for w in range(32)]
    for t in threads:
        t.start()
    # SIGTERM lands among calls in flight: once every caller has had an answer, all are calling.
    poll("every caller has had a call answered OK", lambda: len(flowing) == len(threads), 30)
    stop_at = time.monotonic()
    gateway.process.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(timeout=30)
    # Still inside the drain window: /metrics tells how many batches were applied.
    try:
        applied = counter_total(gateway.metrics())
    except OSError as error:
        raise SystemExit(f"FAILED: /metrics answers while draining ({error}; outcomes {outcomes})"
                         f"\n{gateway.log()}")
    gateway.process.wait(timeout=60)
    took = time.monotonic() - stop_at
    print(f"outcomes {outcomes}; applied {applied:.0f}; exit {took:.2f} s after SIGTERM")
    check(set(outcomes) <= {"OK", "UNAVAILABLE"},
          "every call in flight at SIGTERM succeeded or got UNAVAILABLE (never CANCELLED)")
    check(applied == outcomes.get("OK", 0), "exactly the calls answered OK were applied")
    check(took >= args.drain_seconds * 0.9, "the drain timeout is honoured before exiting")
    check("self-check failed" not in gateway.log(),
          "stopping on purpose is not logged as a failed gRPC self-check")


def counter_total(metrics):
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("calls_total{"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--scenario", required=True,
                        choices=["rapid_reset", "continuation", "settings", "combined",
                                 "descriptors", "sigterm"])
    parser.add_argument("--proto-root", required=True)
    parser.add_argument("--protoc", required=True)
    parser.add_argument("--grpc-python-plugin", required=True)
    # The watchdog acts once a tick (100 ms): what the floods allocate within one tick on top of
    # the shedding threshold (192 MiB here) is not caught. Three floods at once peaked at
    # 218-456 MiB over about 60 runs on the 2-vCPU machine (most under 330), so the bound is set
    # where unbounded growth shows, not at the usual peak.
    parser.add_argument("--rss-bound-mb", type=int, default=640,
                        help="for a Release build; scaled with --sanitized")
    parser.add_argument("--sanitized", action="store_true",
                        help="the binary is built with AddressSanitizer (memory figures scale)")
    parser.add_argument("--recover-deadline", type=float, default=15.0)
    parser.add_argument("--drain-seconds", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        generate_stubs(args, work)
        nofile = 512 if args.scenario == "descriptors" else None
        env = {"FLEETGATE_SHUTDOWN_DRAIN_TIMEOUT": f"{int(args.drain_seconds * 1000)}ms"}
        gateway = Gateway(args.binary, work, args.sanitized, nofile=nofile, extra_env=env)
        try:
            floods = {"rapid_reset": [("rapid reset", rapid_reset)],
                      "continuation": [("continuation", continuation_flood)],
                      "settings": [("settings", settings_flood)]}
            floods["combined"] = sum(floods.values(), [])
            if args.scenario in floods:
                scenario_flood(args, gateway, floods[args.scenario])
            elif args.scenario == "descriptors":
                scenario_descriptors(args, gateway)
            else:
                scenario_sigterm(args, gateway)
        finally:
            gateway.stop()


if __name__ == "__main__":
    main()
