-- POST /v1/verifications for one of 1000 test recipients, a fresh session and client address each time
-- LuaJIT's math.random starts from the same seed in every thread and every run: without this the
-- threads would send the same client addresses, run after run, until the per-address limit answers 429
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
local counter = 0
request = function()
  counter = counter + 1
  local n = math.random(0, 999)
  local body = string.format('{"to":"load%d@example.com","session":"s%d-%d","clientIp":"10.%d.%d.%d"}',
    n, counter, math.random(1, 1000000), math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format(nil, "/v1/verifications", nil, body)
end
