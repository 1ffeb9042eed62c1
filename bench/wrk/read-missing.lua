-- GET /v1/verifications/{id} of made-up ids spread over all hash tags: one HGETALL on the id's slot,
-- answered 404. The one-call path, to compare topologies call for call.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
end
wrk.headers["Authorization"] = "Bearer bench-key"
request = function()
  return wrk.format("GET", string.format("/v1/verifications/VE%04x%028d", math.random(0, 65535), math.random(0, 999999)))
end
