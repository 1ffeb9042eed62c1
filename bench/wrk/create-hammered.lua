-- POST /v1/verifications for one real recipient with a new session each time: after its 5 sends
-- in 15 minutes, every request is the 429 rate-limited path
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
