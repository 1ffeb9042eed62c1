-- POST /v1/verifications for SMS to random GB mobile numbers of 30 prefixes (+44710 to +44739), a fresh
-- client address each time: every create sends, and every send is judged and counted by its prefix
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919) -- else every thread and run repeats the same numbers
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
request = function()
  local body = string.format('{"to":"+447%d%d%07d","clientIp":"10.%d.%d.%d"}', math.random(1, 3),
    math.random(0, 9), math.random(0, 9999999), math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format(nil, "/v1/verifications", nil, body)
end
