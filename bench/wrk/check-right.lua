-- POST /v1/verifications/{id}/check with the right code (test recipients: 123456), each pending
-- verification of $POOL.<thread> once: 200 approved with a signed token. Once the pool is used up
-- the answers are 404 and show as non-2xx.
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
local ids, i
function init(args)
  ids, i = {}, 0
  for line in io.lines(os.getenv("POOL") .. "." .. tid) do ids[#ids + 1] = line end
end
function request()
  i = i + 1
  local id = ids[i] or ids[1] or "VE00000000000000000000000000000000"
  return wrk.format(nil, "/v1/verifications/" .. id .. "/check", nil, '{"code":"123456"}')
end
