#!/usr/bin/env bash
# Side by side on loopback: Debian's prometheus-pushgateway fed by wrk (POSTing text-format
# bodies to /metrics/job/bench/instance/iN) and fleetgate fed by fleetgate-bench (StreamReport,
# batches of 1000), with the same series counts. For each it prints the samples per second
# ingested (accepted) and the time of one GET /metrics (median of 5, curl's time_total).
# One server runs at a time, with its load generator, on this machine.
#
#   bench/compare-pushgateway.sh [--build-dir build] [--series "1000 10000 100000"]
#                                [--duration 10] [--connections 2]
#
# Installs wrk and prometheus-pushgateway with apt-get when missing and run as root; otherwise
# says what to install. They are not in scripts/install-deps.sh: only this script needs them.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$repo/build"
series_counts="1000 10000 100000"
duration=10
connections=2
per_body=1000  # samples per Pushgateway POST, as fleetgate-bench's --batch

while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir=$(cd "$2" && pwd); shift 2 ;;
    --series) series_counts="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

fleetgate="$build_dir/services/gateway/fleetgate"
bench="$build_dir/bench/fleetgate-bench"
for binary in "$fleetgate" "$bench"; do
  [[ -x "$binary" ]] || { echo "missing $binary: build it first (make build)" >&2; exit 1; }
done

# --- packages -------------------------------------------------------------------------------
pushgateway=$(command -v prometheus-pushgateway || true)
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -n "$pushgateway" ]] || missing+=(prometheus-pushgateway)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "this comparison needs: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]} ..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    >/dev/null || { apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
  pushgateway=$(command -v prometheus-pushgateway)
fi

# shellcheck source=bench/compare/common.sh
source "$repo/bench/compare/common.sh"

# Text-format bodies for Pushgateway: groups of $per_body series, $1 series in all.
write_bodies() {
  local series=$1
  python3 - "$work/bodies" "$series" "$per_body" <<'PY'
import os, sys
out, series, per_body = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out, exist_ok=True)
groups = max(1, (series + per_body - 1) // per_body)
for g in range(groups):
    count = min(per_body, series - g * per_body)
    lines = []
    for metric in range(0, count, 100):
        name = "bench_requests_%d_total" % (metric // 100)
        lines.append("# TYPE %s counter" % name)
        lines += ['%s{route="/r%d"} %d' % (name, j, j + 1) for j in range(metric, min(metric + 100, count))]
    with open(os.path.join(out, "group-%d.prom" % (g + 1)), "w") as f:
        f.write("\n".join(lines) + "\n")
print(groups)
PY
}

run_pushgateway() {
  local series=$1 port groups
  port=$(free_port)
  rm -rf "$work/bodies"
  groups=$(write_bodies "$series")
  # Debian's default persists to /var/lib/prometheus; keep everything in memory instead.
  "$pushgateway" --web.listen-address="127.0.0.1:$port" --persistence.file= \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$port/-/ready"
  # Every group once before the clock starts, so the timed pushes replace existing series (as
  # fleetgate-bench's batches update existing ones) and the scrape sees all of them.
  local g
  for ((g = 1; g <= groups; g++)); do
    curl -fs -o /dev/null --data-binary "@$work/bodies/group-$g.prom" \
      "http://127.0.0.1:$port/metrics/job/bench/instance/i$g"
  done
  local result
  result=$(cd "$repo/bench/compare" && wrk -t "$connections" -c "$connections" -d "${duration}s" \
    -s push.lua "http://127.0.0.1:$port" -- "$work/bodies" "$groups" "$connections" | grep '^WRK ')
  push_scrape=$(scrape_ms "http://127.0.0.1:$port/metrics")
  push_series=$(grep -c '^bench_requests_' "$work/scrape.txt" || true)
  stop_server
  # Requests answered 2xx, times samples per body, over the run's seconds. With fewer series
  # than a body holds, a body carries only those.
  read -r _ requests non2xx socket_errors seconds <<<"$result"
  local samples=$((series < per_body ? series : per_body))
  push_rate=$(awk -v r="$requests" -v e="$non2xx" -v n="$samples" -v s="$seconds" \
    'BEGIN { printf "%.0f", (r - e) * n / s }')
  push_errors=$((non2xx + socket_errors))
}

run_fleetgate() {
  local series=$1 json
  start_fleetgate
  json=$("$bench" --target "127.0.0.1:$grpc_port" --mode stream --duration "$duration" \
    --batch "$per_body" --series "$series" --connections "$connections" --json 2>/dev/null)
  fleet_scrape=$(scrape_ms "http://127.0.0.1:$http_port/metrics")
  fleet_series=$(grep -c '^bench_requests_' "$work/scrape.txt" || true)
  stop_server
  fleet_rate=$(printf '%.0f' "$(json_field "$json" events_per_second)")
  fleet_errors=$(json_field "$json" errors)
}

echo "machine: $(nproc) CPUs, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pushgateway: $("$pushgateway" --version 2>&1 | head -1)"
echo "wrk -t$connections -c$connections and fleetgate-bench --mode stream --batch $per_body --connections $connections, ${duration}s each"
printf '%-8s | %22s %10s %7s | %22s %10s %7s\n' series "pushgateway samples/s" scrape_ms errors \
  "fleetgate samples/s" scrape_ms errors
for series in $series_counts; do
  run_pushgateway "$series"
  run_fleetgate "$series"
  printf '%-8s | %22s %10s %7s | %22s %10s %7s\n' "$series" "$push_rate" "$push_scrape" \
    "$push_errors" "$fleet_rate" "$fleet_scrape" "$fleet_errors"
  if [[ "$push_series" != "$series" || "$fleet_series" != "$series" ]]; then
    echo "  note: /metrics held $push_series (pushgateway) and $fleet_series (fleetgate) bench series" >&2
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
