#!/usr/bin/env bash
# OTLP/gRPC export against StreamReport on the same gateway: fleetgate-bench --mode stream and
# --mode otlp alternately, --rounds times, on one fresh fleetgate, with the same series count and
# batches of 1000 (OTLP under its own service names, so the two never share a series). Prints
# each run, the medians of events (data points) per second, p50 and p99, and the gateway's CPU
# seconds per million events (from /proc, so less at the mercy of the machine's load than the
# rates), and checks that the runs' acknowledged events add up to the gateway's
# fleetgate_events_accepted_total.
#
#   bench/otlp-vs-stream.sh [--build-dir build] [--fleetgate BINARY] [--duration 10] [--rounds 3]
#                           [--series 10000] [--connections 2]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fleetgate=""
duration=10
rounds=3
series=10000
connections=2
# shellcheck source=bench/compare/common.sh
source "$repo/bench/compare/common.sh"
own_option() {
  case "$1" in
    --fleetgate) fleetgate="$2" ;;
    --series) series="$2" ;;
    *) return 1 ;;
  esac
}
parse_options "$@"

machine_line
start_fleetgate
for ((round = 1; round <= rounds; round++)); do
  for mode in stream otlp; do
    before=$(cpu_seconds "$server_pid")
    json=$("$bench" --target "127.0.0.1:$grpc_port" --mode "$mode" --duration "$duration" \
      --batch 1000 --series "$series" --connections "$connections" \
      --service-prefix "$mode-svc" --json 2>/dev/null)
    cpu=$(awk -v a="$before" -v b="$(cpu_seconds "$server_pid")" 'BEGIN { print b - a }')
    python3 -c 'import json, sys; r = json.loads(sys.argv[1]); s = float(sys.argv[2]); print("%s %.0f %.2f %.2f %d %d %.3f" % (r["mode"], r["events_per_second"], r["latency_ms"]["p50"], r["latency_ms"]["p99"], r["errors"], r["events"], s / r["events"] * 1e6))' "$json" "$cpu" |
      tee -a "$work/runs"
    echo "  round $round, $mode, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$work/loads" >&2
  done
done
accepted=$(curl -fsS "http://127.0.0.1:$http_port/metrics" |
  awk '$1 == "fleetgate_events_accepted_total{kind=\"counter\"}" {printf "%.0f", $2}')
stop_server
counted=$(awk '{s += $6} END {printf "%.0f", s}' "$work/runs")
echo "events counted by the bench: $counted; accepted by the gateway: $accepted"
[[ "$counted" == "$accepted" ]] || { echo "MISMATCH" >&2; exit 1; }
echo "| mode | events/s (median) | runs | p50 ms | p99 ms | errors | gateway CPU s per M events (median) |"
echo "|---|---|---|---|---|---|---|"
for mode in stream otlp; do median_row "$mode" 6; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
