# shellcheck shell=bash
# Helpers for the bench/*.sh scripts: their shared options, a temp dir, one server process at a
# time, free ports, readiness polling, CPU and scrape timing. Source it first; it sets $work and
# an EXIT trap. parse_options then sets $fleetgate and $bench.

work=$(mktemp -d -t fleetgate-bench.XXXXXX)
server_pid=""

stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Parses the options every bench script takes (--build-dir, --duration, --rounds, --connections,
# --help: the script's header comment) and hands any other `--name value` to the script's
# `own_option NAME VALUE`, which sets it or fails for a name it does not know. The script sets
# its defaults first ($repo, and those of the options it documents). Sets $bench, and $fleetgate
# unless the script set one, and checks both are built.
# shellcheck disable=SC2034  # the options are the sourcing script's variables
parse_options() {
  build_dir=${build_dir:-$repo/build}
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --build-dir) build_dir=$(cd "$2" && pwd); shift 2 ;;
      --duration) duration="$2"; shift 2 ;;
      --rounds) rounds="$2"; shift 2 ;;
      --connections) connections="$2"; shift 2 ;;
      -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
      *)
        if [[ $# -ge 2 ]] && declare -F own_option >/dev/null && own_option "$1" "$2"; then
          shift 2
        else
          echo "unknown argument: $1 (see --help)" >&2
          exit 2
        fi ;;
    esac
  done
  fleetgate=${fleetgate:-$build_dir/services/gateway/fleetgate}
  bench="$build_dir/bench/fleetgate-bench"
  for binary in "$fleetgate" "$bench"; do
    [[ -x "$binary" ]] || { echo "missing $binary: build it first (make build)" >&2; exit 1; }
  done
}

machine_line() {
  echo "machine: $(nproc) CPUs, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# User + system CPU seconds of process $1 so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' \
    "/proc/$1/stat"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Polls `url` until it answers 200, for up to 30 s; fails with the server's log otherwise.
wait_ready() {
  local url=$1 deadline=$((SECONDS + 30))
  until curl -fs -o /dev/null "$url"; do
    if ((SECONDS > deadline)) || ! kill -0 "$server_pid" 2>/dev/null; then
      echo "server behind $url did not become ready; its log:" >&2
      tail -20 "$work/server.log" >&2
      exit 1
    fi
    sleep 0.1
  done
}

# Median wall time of 5 scrapes of `url`, in ms; leaves the last body in $work/scrape.txt.
scrape_ms() {
  local url=$1 times=()
  for _ in 1 2 3 4 5; do
    times+=("$(curl -fs -o "$work/scrape.txt" -w '%{time_total}' "$url")")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | awk '{printf "%.0f", $1 * 1000}'
}

# Starts fleetgate from $fleetgate on free ports with a fresh database in $work; sets
# $grpc_port and $http_port and waits until it is ready.
start_fleetgate() {
  grpc_port=$(free_port)
  http_port=$(free_port)
  rm -f "$work"/fleetgate.db*
  "${fleetgate:?}" --grpc-address "127.0.0.1:$grpc_port" --http-address "127.0.0.1:$http_port" \
    --database "$work/fleetgate.db" >"$work/server.log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$http_port/health/ready"
}

# One table row of the runs in $work/runs whose first column is $1 (each line: name, rate, p50,
# p99, errors, ...): the name, the median rate, every rate, the median p50 and p99 and the errors
# summed, then the median of column $2 (0-based) when given.
median_row() {
  awk -v k="$1" '$1 == k' "$work/runs" | python3 -c '
import statistics, sys
rows = [line.split() for line in sys.stdin]
col = lambda i: [float(r[i]) for r in rows]
cells = [rows[0][0], "%.0f" % statistics.median(col(1)), " ".join(r[1] for r in rows),
         "%.2f" % statistics.median(col(2)), "%.2f" % statistics.median(col(3)),
         "%d" % sum(int(r[4]) for r in rows)]
if len(sys.argv) > 1:
    cells.append("%.2f" % statistics.median(col(int(sys.argv[1]))))
print("| " + " | ".join(cells) + " |")' ${2:+"$2"}
}

# Prints field $2 of the JSON object $1.
json_field() {
  python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}
