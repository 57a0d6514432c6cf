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
duration=10
rounds=3
connections=2
window=64
# shellcheck source=bench/compare/common.sh
source "$repo/bench/compare/common.sh"
own_option() { [[ "$1" == --window ]] && window="$2"; }
parse_options "$@"

committed() {
  curl -fs "http://127.0.0.1:$http_port/metrics" |
    awk '$1 == "fleetgate_storage_transitions_written_total" { print $2 }'
}

machine_line
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
for setting in false true; do median_row "$setting"; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
