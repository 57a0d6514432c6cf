#!/usr/bin/env bash
# Memory per active series and ingest during scrapes, against a fresh fleetgate on loopback.
#  1. resident memory (VmRSS) after start-up and one scrape;
#  2. fleetgate-bench reports --series counter series (StreamReport, batches of 1000): VmRSS and
#     VmHWM (peak) after it, per series;
#  3. --scrapes sequential GET /metrics: their times and the server's CPU per scrape, VmRSS and
#     VmHWM after them, per series;
#  4. the same load again while another client scrapes /metrics back to back: events/s and p99
#     batch latency beside the run without scrapes, and how many scrapes ran meanwhile.
#
#   bench/memory-per-series.sh [--build-dir build] [--series 100000] [--duration 10] [--scrapes 5]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
series=100000
duration=10
scrapes=5

# shellcheck source=bench/compare/common.sh
source "$repo/bench/compare/common.sh"
own_option() {
  case "$1" in
    --series) series="$2" ;;
    --scrapes) scrapes="$2" ;;
    *) return 1 ;;
  esac
}
parse_options "$@"
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "this script needs $tool" >&2; exit 1; }
done

kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$server_pid/status"; }
# The server's user + system CPU seconds so far (load-independent, unlike a scrape's wall time).
per_series() { awk -v a="$1" -v b="$2" -v n="$series" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }'; }
load() {
  "$bench" --target "127.0.0.1:$grpc_port" --mode stream --duration "$duration" --batch 1000 \
    --series "$series" --connections 2 --json 2>/dev/null
}
summary() {
  python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print("%.0f events/s, p99 %.1f ms, errors %d" % (r["events_per_second"], r["latency_ms"]["p99"], r["errors"]))' "$1"
}

# Room for the series and for the registry's fleetgate_instance_* series (7 per instance), which
# share limits.max_series_total.
limit=${FLEETGATE_LIMITS_MAX_SERIES_TOTAL:-100000}
export FLEETGATE_LIMITS_MAX_SERIES_TOTAL=$((limit > series + 1000 ? limit : series + 1000))
machine_line
start_fleetgate
curl -fs -o /dev/null "http://127.0.0.1:$http_port/metrics"
base=$(kib VmRSS)
echo "after start-up and one scrape: VmRSS $base KiB"

quiet=$(load)
rss=$(kib VmRSS)
hwm=$(kib VmHWM)
echo "after $series series ($(summary "$quiet")):"
echo "  VmRSS $rss KiB = $(per_series "$base" "$rss") B/series, VmHWM $hwm KiB = $(per_series "$base" "$hwm") B/series"

times=()
cpu_before=$(cpu_seconds "$server_pid")
for ((i = 0; i < scrapes; i++)); do
  times+=("$(curl -fs -o "$work/scrape.txt" -w '%{time_total}' "http://127.0.0.1:$http_port/metrics")")
done
rss=$(kib VmRSS)
hwm=$(kib VmHWM)
cpu_per_scrape=$(awk -v a="$cpu_before" -v b="$(cpu_seconds "$server_pid")" -v n="$scrapes" 'BEGIN { printf "%.2f", (b - a) / n }')
echo "after $scrapes scrapes of $(wc -c <"$work/scrape.txt") bytes (s: ${times[*]}; server CPU ${cpu_per_scrape} s per scrape):"
echo "  VmRSS $rss KiB = $(per_series "$base" "$rss") B/series, VmHWM $hwm KiB = $(per_series "$base" "$hwm") B/series"

# Scrapes back to back in the background while the same load runs again.
(
  count=0 slowest=0
  while [[ ! -e "$work/stop" ]]; do
    t=$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$http_port/metrics")
    count=$((count + 1))
    slowest=$(awk -v a="$slowest" -v b="$t" 'BEGIN { print (b > a ? b : a) }')
  done
  echo "$count $slowest" >"$work/scrapes"
) &
scraper=$!
busy=$(load)
touch "$work/stop"
wait "$scraper"
read -r count slowest <"$work/scrapes"
echo "ingest without scrapes: $(summary "$quiet")"
echo "ingest while scraping:  $(summary "$busy"); $count scrapes meanwhile, slowest ${slowest}s"
echo "VmHWM at the end: $(kib VmHWM) KiB = $(per_series "$base" "$(kib VmHWM)") B/series"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
