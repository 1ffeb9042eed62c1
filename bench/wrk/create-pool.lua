-- Creates one verification per (test recipient, purpose) pair and writes the ids it got (201) to
-- $POOL.<thread>, for check-right.lua. PURPOSES purposes p0..p<n-1> must be configured; OFFSET
-- skips that many pairs and POOL_PAIRS bounds them, so each round gets pairs of its own.
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
local n, out, purposes, offset, per_round
function init(args)
  n = 0
  offset = tonumber(os.getenv("OFFSET") or "0")
  per_round = tonumber(os.getenv("POOL_PAIRS") or "30000")
  math.randomseed(os.time() * 1000 + tid * 7919) -- else every thread and run repeats the same addresses
  purposes = tonumber(os.getenv("PURPOSES"))
  out = io.open(os.getenv("POOL") .. "." .. tid, "w")
end
function request()
  local k = offset + (n * 2 + tid) % per_round -- past the round's pairs: 200 existing, not pooled
  n = n + 1
  local body = string.format('{"to":"load%d@example.com","purpose":"p%d","clientIp":"10.%d.%d.%d"}',
    k % 1000, math.floor(k / 1000) % purposes, math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format(nil, "/v1/verifications", nil, body)
end
function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":"(VE%x+)"')
    if id then out:write(id, "\n"); out:flush() end
  end
end
