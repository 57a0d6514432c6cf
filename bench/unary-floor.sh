#!/usr/bin/env bash
# Unary Report (one event per call) against the gRPC floor on the same gateway: fleetgate-bench
# --mode unary and --mode health (grpc.health.v1 Health/Check) alternately, --rounds times, on one
# fresh fleetgate. Prints each run and the medians of RPC/s, p50 and p99.
#
#   bench/unary-floor.sh [--build-dir build] [--duration 10] [--rounds 3] [--connections 2]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
duration=10
rounds=3
connections=2
# shellcheck source=bench/compare/common.sh
source "$repo/bench/compare/common.sh"
parse_options "$@"

machine_line
start_fleetgate
for ((round = 1; round <= rounds; round++)); do
  for mode in unary health; do
    json=$("$bench" --target "127.0.0.1:$grpc_port" --mode "$mode" --duration "$duration" \
      --batch 1 --series 1000 --connections "$connections" --json 2>/dev/null)
    python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print("%s %.0f %.2f %.2f %d" % (r["mode"], r["rpcs_per_second"], r["latency_ms"]["p50"], r["latency_ms"]["p99"], r["errors"]))' "$json" |
      tee -a "$work/runs"
    echo "  round $round, $mode, load average $(cut -d' ' -f1 /proc/loadavg)" >&2
  done
done
stop_server
echo "| mode | RPC/s (median) | runs | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
for mode in unary health; do median_row "$mode"; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
