-- POST /v1/verifications for one real recipient with a new session each time: after its 5 sends
-- in 15 minutes, every request is the 429 rate-limited path
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
  local body = string.format('{"to":"hammered@example.com","session":"s%d-%d","clientIp":"10.1.%d.%d"}',
    counter, math.random(1, 1000000), math.random(0, 255), math.random(1, 254))
  return wrk.format(nil, "/v1/verifications", nil, body)
end
