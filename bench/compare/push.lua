-- wrk script for bench/compare-pushgateway.sh: POSTs text-format bodies to Pushgateway, cycling
-- through the groups (one body file per group, made by the script). Arguments: the directory of
-- the bodies, the number of groups and of wrk threads; thread t pushes groups t, t + threads, ...
-- Prints one line at the end (from the main thread, where init has not run):
--   WRK <requests> <non-2xx responses> <socket errors> <seconds>
local dir, groups, threads
local bodies, paths = {}, {}
local next_group = 0
local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  dir, groups, threads = args[1], tonumber(args[2]), tonumber(args[3])
  for g = 1, groups do
    local file = assert(io.open(dir .. "/group-" .. g .. ".prom", "rb"))
    bodies[g] = file:read("*a")
    file:close()
    paths[g] = "/metrics/job/bench/instance/i" .. g
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
