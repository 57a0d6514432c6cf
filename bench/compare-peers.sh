#!/usr/bin/env bash
# Side by side on loopback, one server at a time with its load generator, same series counts and
# batches of 1000 samples:
#   fleetgate        fed by fleetgate-bench --mode stream (StreamReport);
#   victoria-metrics single-node, fed by wrk POSTing text-format bodies to /api/v1/import/prometheus;
#   pushgateway      fed by wrk POSTing the same bodies to /metrics/job/bench/instance/iN.
# Each server's rate comes from its own accepted-sample counter, read before and after the run:
# fleetgate_events_accepted_total, vm_rows_inserted_total{type="prometheus"}, and Pushgateway's
# pushgateway_http_requests_total{code="200",handler="push"} times the samples per body. The CPU
# of the server and of the load generator (from /proc/<pid>/stat) is given in cores beside it.
# --rounds interleaves the servers (fleetgate, vm, pushgateway, fleetgate, ...) and prints the
# median of the rounds, since other work on the machine moves the numbers.
#
#   bench/compare-peers.sh [--build-dir build] [--series "1000 10000 100000 1000000"]
#                          [--peers "fleetgate victoria-metrics pushgateway"]
#                          [--duration 10] [--rounds 3] [--connections 2]
#
# Installs wrk, victoria-metrics and prometheus-pushgateway with apt-get when missing and run as
# root; otherwise says what to install. Only this script needs them (not make test).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
series_counts="1000 10000 100000 1000000"
peers="fleetgate victoria-metrics pushgateway"
duration=10
rounds=3
connections=2
per_body=1000  # samples per POST, as fleetgate-bench's --batch

# shellcheck source=bench/compare/common.sh
source "$repo/bench/compare/common.sh"
own_option() {
  case "$1" in
    --series) series_counts="$2" ;;
    --peers) peers="$2" ;;
    *) return 1 ;;
  esac
}
parse_options "$@"

# --- packages -------------------------------------------------------------------------------
missing=()
for tool in wrk curl python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ " $peers " != *" victoria-metrics "* ]] || command -v victoria-metrics >/dev/null ||
  missing+=(victoria-metrics)
[[ " $peers " != *" pushgateway "* ]] || command -v prometheus-pushgateway >/dev/null ||
  missing+=(prometheus-pushgateway)
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
fi
ticks=$(getconf CLK_TCK)

# Runs the command given as arguments with stdout to $work/load.out; sets $load_cpu to the CPU
# seconds it used: a shell waits for it and then reads its own cutime + cstime.
run_load() {
  load_cpu=$(LOAD_OUT="$work/load.out" sh -c '"$@" >"$LOAD_OUT" 2>/dev/null; cat /proc/$$/stat' \
    load "$@" | awk -v t="$ticks" '{ sub(/^.*\) /, ""); print ($14 + $15) / t }')
}

# Sum of the samples of metric line prefix $2 in the exposition at URL $1.
counter_sum() {
  curl -fs "$1" | awk -v p="$2" 'index($0, p) == 1 { s += $NF } END { printf "%.0f", s }'
}

# Text-format bodies: groups of $per_body series, $1 series in all. The same metric names repeat
# in every group; the group's instance label (from the URL) keeps the series distinct.
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

# Sets the result of one run: rate (accepted samples/s), server and load-generator CPU (cores),
# errors.
record() {
  local accepted=$1 seconds=$2 server_cpu=$3 errors=$4
  rate=$(awk -v a="$accepted" -v s="$seconds" 'BEGIN { printf "%.0f", a / s }')
  srv_cores=$(awk -v c="$server_cpu" -v s="$seconds" 'BEGIN { printf "%.2f", c / s }')
  gen_cores=$(awk -v c="$load_cpu" -v s="$seconds" 'BEGIN { printf "%.2f", c / s }')
  run_errors=$errors
}

# wrk against http://127.0.0.1:$1 with push.lua in mode $2 over $3 groups; sets $wrk_seconds,
# $wrk_errors and $load_cpu.
run_wrk() {
  local port=$1 mode=$2 groups=$3
  run_load wrk -t "$connections" -c "$connections" -d "${duration}s" \
    -s "$repo/bench/compare/push.lua" "http://127.0.0.1:$port" -- "$work/bodies" "$groups" \
    "$connections" "$mode"
  local _ non2xx socket_errors
  read -r _ _ non2xx socket_errors wrk_seconds < <(grep '^WRK ' "$work/load.out")
  wrk_errors=$((non2xx + socket_errors))
}

run_fleetgate() {
  local series=$1 before after cpu0 cpu1 json
  # +1000: the registry's fleetgate_instance_* series (7 per instance) share the cap.
  FLEETGATE_LIMITS_MAX_SERIES_TOTAL=$(((series > 100000 ? series : 100000) + 1000)) start_fleetgate
  local metrics="http://127.0.0.1:$http_port/metrics"
  before=$(counter_sum "$metrics" fleetgate_events_accepted_total)
  cpu0=$(cpu_seconds "$server_pid")
  run_load "$bench" --target "127.0.0.1:$grpc_port" --mode stream --duration "$duration" \
    --batch "$per_body" --series "$series" --connections "$connections" --json
  cpu1=$(cpu_seconds "$server_pid")
  after=$(counter_sum "$metrics" fleetgate_events_accepted_total)
  json=$(cat "$work/load.out")
  stop_server
  local seconds events
  seconds=$(json_field "$json" seconds)
  events=$(json_field "$json" events)
  [[ $((after - before)) == "$events" ]] ||
    echo "  note: fleetgate counted $((after - before)) accepted, the bench $events" >&2
  record $((after - before)) "$seconds" "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" \
    "$(json_field "$json" errors)"
}

# Pushes every group once before the clock starts, so the timed run updates existing series.
prepush() {
  local base=$1 query=$2 groups=$3 g
  for ((g = 1; g <= groups; g++)); do
    curl -fs -o /dev/null --data-binary "@$work/bodies/group-$g.prom" "$base$g$query"
  done
}

run_victoria_metrics() {
  local series=$1 groups=$2 port before after cpu0 cpu1
  port=$(free_port)
  rm -rf "$work/vm-data"
  victoria-metrics -storageDataPath="$work/vm-data" -httpListenAddr="127.0.0.1:$port" \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$port/health"
  prepush "http://127.0.0.1:$port/api/v1/import/prometheus?extra_label=job=bench&extra_label=instance=i" \
    "" "$groups"
  local metrics="http://127.0.0.1:$port/metrics"
  before=$(counter_sum "$metrics" 'vm_rows_inserted_total{type="prometheus"}')
  cpu0=$(cpu_seconds "$server_pid")
  run_wrk "$port" vm "$groups"
  cpu1=$(cpu_seconds "$server_pid")
  after=$(counter_sum "$metrics" 'vm_rows_inserted_total{type="prometheus"}')
  stop_server
  rm -rf "$work/vm-data"
  record $((after - before)) "$wrk_seconds" "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" \
    "$wrk_errors"
}

run_pushgateway() {
  local series=$1 groups=$2 port before after cpu0 cpu1
  port=$(free_port)
  # Debian's default persists to /var/lib/prometheus; keep everything in memory instead.
  prometheus-pushgateway --web.listen-address="127.0.0.1:$port" --persistence.file= \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$port/-/ready"
  prepush "http://127.0.0.1:$port/metrics/job/bench/instance/i" "" "$groups"
  local metrics="http://127.0.0.1:$port/metrics"
  local pushes='pushgateway_http_requests_total{code="200",handler="push",method="post"}'
  before=$(counter_sum "$metrics" "$pushes")
  cpu0=$(cpu_seconds "$server_pid")
  run_wrk "$port" pushgateway "$groups"
  cpu1=$(cpu_seconds "$server_pid")
  after=$(counter_sum "$metrics" "$pushes")
  stop_server
  local samples=$((series < per_body ? series : per_body))
  record $(((after - before) * samples)) "$wrk_seconds" \
    "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" "$wrk_errors"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

machine_line
command -v victoria-metrics >/dev/null &&
  echo "victoria-metrics: $(dpkg-query -W -f '${Version}' victoria-metrics 2>/dev/null || echo '?')"
command -v prometheus-pushgateway >/dev/null &&
  echo "pushgateway: $(prometheus-pushgateway --version 2>&1 | head -1)"
echo "batches of $per_body, $connections connections, ${duration}s per run, median of $rounds interleaved rounds"
echo
echo "| series | server | accepted samples/s (median) | rounds | server CPU (cores) | load generator CPU (cores) | errors | fleetgate ÷ this |"
echo "|---|---|---|---|---|---|---|---|"
for series in $series_counts; do
  rm -rf "$work/bodies"
  groups=$(write_bodies "$series")
  declare -A rates=() srv=() gen=() errs=()
  for ((round = 1; round <= rounds; round++)); do
    for peer in $peers; do
      case "$peer" in
        fleetgate) run_fleetgate "$series" ;;
        victoria-metrics) run_victoria_metrics "$series" "$groups" ;;
        pushgateway) run_pushgateway "$series" "$groups" ;;
        *) echo "unknown peer $peer" >&2; exit 2 ;;
      esac
      rates[$peer]+="$rate "
      srv[$peer]+="$srv_cores "
      gen[$peer]+="$gen_cores "
      errs[$peer]=$((${errs[$peer]:-0} + run_errors))
      echo "  round $round, $series series, $peer: $rate samples/s, server $srv_cores cores," \
        "load generator $gen_cores cores, load average $(cut -d' ' -f1 /proc/loadavg)" >&2
    done
  done
  fleet_median=""
  # shellcheck disable=SC2086
  [[ -z "${rates[fleetgate]:-}" ]] || fleet_median=$(median ${rates[fleetgate]})
  for peer in $peers; do
    # shellcheck disable=SC2086
    m=$(median ${rates[$peer]})
    ratio="—"
    [[ -z "$fleet_median" || "$peer" == fleetgate ]] ||
      ratio=$(awk -v f="$fleet_median" -v p="$m" 'BEGIN { printf "%.2f×", f / p }')
    # shellcheck disable=SC2086
    echo "| $series | $peer | $m | ${rates[$peer]% } | $(median ${srv[$peer]}) | $(median ${gen[$peer]}) | ${errs[$peer]} | $ratio |"
  done
  unset rates srv gen errs
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
