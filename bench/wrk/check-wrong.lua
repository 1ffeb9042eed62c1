-- POST /v1/verifications/{id}/check with a wrong code, over pending verifications listed in ids.txt
-- (each takes 5 wrong codes, then answers 429 too-many-attempts: the same script, the same cost)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
local ids = {}
for line in io.lines(os.getenv("IDS") or "ids.txt") do ids[#ids + 1] = line end
request = function()
  local id = ids[math.random(1, #ids)]
  return wrk.format(nil, "/v1/verifications/" .. id .. "/check", nil, '{"code":"000000"}')
end
