-- wrk script for benchmarks/load.py: one endpoint per wrk process, cycling through a few
-- requests; prints one JSON line of figures at the end (latencies in microseconds).
-- Usage: wrk ... -s load.lua URL -- NAME PATH1 PATH2 ... (NAME is for the caller; done() runs
-- in a context of its own, without the arguments).
local name = "endpoint"
local paths = {}
local counter = 0

function init(args)
  name = args[1]
  for i = 2, #args do paths[#paths + 1] = args[i] end
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  return wrk.format("GET", path, {["Accept"] = "application/json"})
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"name":"%s","requests":%d,"seconds":%.3f,"p50":%d,"p90":%d,"p99":%d,"max":%d,' ..
    '"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    name, summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
