-- wrk script for bench/compare-pushgateway.sh: POSTs text-format bodies to Pushgateway, cycling
-- through the groups (one body file per group, made by the script). Arguments: the directory of
-- the bodies and the number of groups. Prints one line at the end (from the main thread, where
-- init has not run):
--   WRK <requests> <non-2xx responses> <socket errors> <seconds>
local dir, groups
local bodies, paths = {}, {}
local next_group = 0

function init(args)
  dir, groups = args[1], tonumber(args[2])
  for g = 1, groups do
    local file = assert(io.open(dir .. "/group-" .. g .. ".prom", "rb"))
    bodies[g] = file:read("*a")
    file:close()
    paths[g] = "/metrics/job/bench/instance/i" .. g
  end
  -- Each thread starts at another group so the threads do not push the same one in lock step.
  next_group = math.random(groups) - 1
end

function request()
  next_group = next_group % groups + 1
  return wrk.format("POST", paths[next_group],
                    {["Content-Type"] = "text/plain; version=0.0.4"}, bodies[next_group])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %.3f\n", summary.requests, e.status,
                         e.connect + e.read + e.write + e.timeout, summary.duration / 1e6))
end
