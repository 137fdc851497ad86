-- wrk script for the serving benchmark: every request POSTs one row,
-- {"records": [{"f0": ..., ...}]}, taken in turn from a file of request bodies
-- (one JSON body a line; the file is the first argument after `--`). At the end it
-- prints one JSON line, prefixed "RESULT ", that run.sh reads.
local bodies = {}
local next_body = 1

function init(args)
  local path = args[1]
  local f = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  for line in f:lines() do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  f:close()
  assert(#bodies > 0, "no request bodies in " .. path)
  -- Threads start at different rows so they do not post the same ones in step.
  next_body = (math.random(#bodies) - 1) + 1
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
