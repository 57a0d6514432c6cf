#!/usr/bin/env bash
# The cost of storage.durable_ack: unary Report calls that each record a health transition
# (fleetgate-bench --health-flips: every batch carries SERVING or DEGRADED in turn per source)
# against a fresh fleetgate with the key off, then on, alternately, --rounds times. Prints each
# run (acknowledged calls/s = acknowledged transitions/s, p50, p99, errors, transitions the
# writer committed) and the medians per setting.
#
#   bench/durable-ack.sh [--build-dir build] [--duration 10] [--rounds 3] [--connections 2]
#                        [--window 64]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$repo/build"
duration=10
rounds=3
connections=2
window=64
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir=$(cd "$2" && pwd); shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
fleetgate="$build_dir/services/gateway/fleetgate"
bench="$build_dir/bench/fleetgate-bench"
for binary in "$fleetgate" "$bench"; do
  [[ -x "$binary" ]] || { echo "missing $binary: build it first (make build)" >&2; exit 1; }
done
# shellcheck source=bench/compare/common.sh
source "$repo/bench/compare/common.sh"

committed() {
  curl -fs "http://127.0.0.1:$http_port/metrics" |
    awk '$1 == "fleetgate_storage_transitions_written_total" { print $2 }'
}

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= rounds; round++)); do
  for setting in false true; do
    FLEETGATE_STORAGE_DURABLE_ACK=$setting start_fleetgate
    json=$("$bench" --target "127.0.0.1:$grpc_port" --mode unary --duration "$duration" \
      --batch 1 --series 100 --services 10 --instances 10 --connections "$connections" \
      --window "$window" --health-flips --json 2>/dev/null)
    written=$(committed)
    stop_server
    python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print("%s %.0f %.2f %.2f %d %s" % (sys.argv[2], r["rpcs_per_second"], r["latency_ms"]["p50"], r["latency_ms"]["p99"], r["errors"], sys.argv[3]))' "$json" "$setting" "$written" |
      tee -a "$work/runs"
    echo "  round $round, durable_ack=$setting, load average $(cut -d' ' -f1 /proc/loadavg)" >&2
  done
done
echo "| durable_ack | transitions/s acknowledged (median) | runs | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
for setting in false true; do
  awk -v s="$setting" '$1 == s' "$work/runs" | python3 -c '
import statistics, sys
rows = [line.split() for line in sys.stdin]
col = lambda i: [float(r[i]) for r in rows]
print("| %s | %.0f | %s | %.2f | %.2f | %d |" % (rows[0][0], statistics.median(col(1)),
      " ".join(r[1] for r in rows), statistics.median(col(2)), statistics.median(col(3)),
      sum(int(r[4]) for r in rows)))'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
