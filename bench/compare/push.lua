-- wrk script for bench/compare-peers.sh: POSTs text-format bodies to Pushgateway or to
-- VictoriaMetrics' /api/v1/import/prometheus, cycling through the groups (one body file per group,
-- made by the script). Arguments: the directory of the bodies, the number of groups, the number of
-- wrk threads and the server ("pushgateway" or "vm"); thread t pushes groups t, t + threads, ...
-- Group g's series carry instance="i<g>" (Pushgateway: from the path; VictoriaMetrics: extra_label).
-- Prints one line at the end (from the main thread, where init has not run):
--   WRK <requests> <non-2xx responses> <socket errors> <seconds>
local dir, groups, threads, server
local bodies, paths = {}, {}
local next_group = 0
local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

local function path_of(g)
  if server == "vm" then
    return "/api/v1/import/prometheus?extra_label=job=bench&extra_label=instance=i" .. g
  end
  return "/metrics/job/bench/instance/i" .. g
end

function init(args)
  dir, groups, threads, server = args[1], tonumber(args[2]), tonumber(args[3]), args[4]
  for g = 1, groups do
    local file = assert(io.open(dir .. "/group-" .. g .. ".prom", "rb"))
    bodies[g] = file:read("*a")
    file:close()
    paths[g] = path_of(g)
  end
  next_group = thread_id % groups  -- 0-based; the first request takes group thread_id + 1
end

function request()
  local group = next_group + 1
  next_group = (next_group + threads) % groups
  return wrk.format("POST", paths[group],
                    {["Content-Type"] = "text/plain; version=0.0.4"}, bodies[group])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %.3f\n", summary.requests, e.status,
                         e.connect + e.read + e.write + e.timeout, summary.duration / 1e6))
end
